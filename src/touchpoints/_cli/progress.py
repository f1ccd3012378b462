"""A progress counter on the terminal, for commands that work through many subjects."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO, TypeVar

__all__ = ["Progress", "terminal_progress"]

_T = TypeVar("_T")


class Progress:
    """A one-line progress counter on a terminal; silent when the stream is not one.

    Long runs over many subjects (an export of a large CSV) call :meth:`advance`
    per item or wrap their input in :meth:`track`. The line is redrawn at most every
    ``interval`` seconds and cleared by :meth:`close`, so piped and redirected output
    never sees it.

    Args:
        stream: where to draw, normally ``sys.stderr``.
        label: what is counted, such as ``"subjects"``.
        total: how many there will be, when known.
        interval: the least time between redraws, in seconds.
        clock: a monotonic clock, replaceable in tests.
        fraction: the share of the work done, from 0 to 1 (such as the bytes of a
            file read), when known: the line then shows it and the time left.
        enabled: draw or not (default: when ``stream`` is a terminal).

    >>> import io
    >>> class Terminal(io.StringIO):
    ...     def isatty(self): return True
    >>> screen = Terminal()
    >>> with Progress(screen, label="subjects", interval=0) as progress:
    ...     items = list(progress.track(range(3)))
    >>> screen.getvalue().split("\\r")[1:4]
    ['subjects: 1', 'subjects: 2', 'subjects: 3']
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        label: str,
        total: int | None = None,
        interval: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        fraction: Callable[[], float] | None = None,
        enabled: bool | None = None,
    ) -> None:
        self.enabled = stream.isatty() if enabled is None else enabled
        self.count = 0
        self._stream = stream
        self._label = label
        self._total = total
        self._interval = interval
        self._clock = clock
        self._fraction = fraction
        self._started = clock() if fraction is not None else 0.0
        self._last_draw: float | None = None
        self._width = 0

    def advance(self, amount: int = 1) -> None:
        """Count ``amount`` more items and redraw if enough time has passed."""
        self.count += amount
        if not self.enabled:
            return
        now = self._clock()
        if self._last_draw is None or now - self._last_draw >= self._interval:
            self._last_draw = now
            self._draw(now)

    def track(self, items: Iterable[_T]) -> Iterator[_T]:
        """Yield ``items`` unchanged, counting each one."""
        for item in items:
            yield item
            self.advance()

    def close(self) -> None:
        """Erase the progress line, leaving the terminal as it was."""
        if self.enabled and self._width:
            self._stream.write("\r" + " " * self._width + "\r")
            self._stream.flush()
            self._width = 0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _draw(self, now: float) -> None:
        text = f"{self._label}: {self.count:,}"
        if self._fraction is not None:
            done = self._fraction()
            text += f" ({done:.0%}{_time_left(now - self._started, done)})"
        elif self._total:
            text += f" of {self._total:,} ({self.count * 100 // self._total}%)"
        padding = " " * max(0, self._width - len(text))
        self._stream.write(f"\r{text}{padding}")
        self._stream.flush()
        self._width = max(self._width, len(text))


def _time_left(elapsed: float, done: float) -> str:
    if done <= 0 or elapsed <= 0 or done >= 1:
        return ""
    left = elapsed * (1 - done) / done
    if left < 60:
        return f", about {left:.0f} s left"
    if left < 3600:
        return f", about {left / 60:.0f} min left"
    return f", about {left // 3600:.0f} h {left % 3600 / 60:.0f} min left"


def terminal_progress(
    stream: TextIO, *, label: str, fraction: Callable[[], float] | None = None
) -> Progress:
    """A :class:`Progress` drawn only on a terminal outside CI (the ``CI`` variable set).

    >>> import io
    >>> terminal_progress(io.StringIO(), label="subjects").enabled
    False
    """
    enabled = stream.isatty() and not os.environ.get("CI", "").strip()
    return Progress(stream, label=label, fraction=fraction, enabled=enabled)
