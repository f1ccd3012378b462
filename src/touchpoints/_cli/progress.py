"""A progress counter on the terminal, for commands that work through many subjects."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO, TypeVar

__all__ = ["Progress"]

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
    ) -> None:
        self.enabled = stream.isatty()
        self.count = 0
        self._stream = stream
        self._label = label
        self._total = total
        self._interval = interval
        self._clock = clock
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
            self._draw()

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

    def _draw(self) -> None:
        text = f"{self._label}: {self.count:,}"
        if self._total:
            text += f" of {self._total:,} ({self.count * 100 // self._total}%)"
        padding = " " * max(0, self._width - len(text))
        self._stream.write(f"\r{text}{padding}")
        self._stream.flush()
        self._width = max(self._width, len(text))
