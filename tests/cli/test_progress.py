"""The progress line: drawn on a terminal, throttled, erased; silent anywhere else."""

from __future__ import annotations

import io

from touchpoints._cli import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class TestProgress:
    def test_silent_when_not_a_terminal(self):
        stream = io.StringIO()
        with Progress(stream, label="subjects", interval=0) as progress:
            assert list(progress.track("abc")) == ["a", "b", "c"]
        assert progress.count == 3
        assert not progress.enabled
        assert stream.getvalue() == ""

    def test_draws_on_a_terminal_and_erases_when_done(self):
        screen = Terminal()
        with Progress(screen, label="subjects", interval=0) as progress:
            progress.advance()
            progress.advance(999)
        assert screen.getvalue() == (
            "\rsubjects: 1" + "\rsubjects: 1,000" + "\r" + " " * len("subjects: 1,000") + "\r"
        )

    def test_redraws_at_most_once_per_interval(self):
        screen = Terminal()
        clock = FakeClock()
        progress = Progress(screen, label="rows", interval=0.5, clock=clock)
        for _ in range(10):  # all at t=0: only the first draws
            progress.advance()
        clock.now = 0.4
        progress.advance()
        clock.now = 0.5
        progress.advance()
        assert screen.getvalue() == "\rrows: 1\rrows: 12"

    def test_shows_the_share_done_when_the_total_is_known(self):
        screen = Terminal()
        progress = Progress(screen, label="subjects", total=8, interval=0)
        progress.advance(2)
        progress.advance(6)
        assert screen.getvalue() == "\rsubjects: 2 of 8 (25%)\rsubjects: 8 of 8 (100%)"

    def test_a_shorter_line_covers_the_longer_one(self):
        screen = Terminal()
        clock = FakeClock()
        progress = Progress(screen, label="n", total=1_000, interval=0, clock=clock)
        progress.advance(1_000)  # "n: 1,000 of 1,000 (100%)"
        progress.count = 0
        progress.advance(5)  # "n: 5 of 1,000 (0%)", padded to the longer width
        drawn = screen.getvalue().split("\r")
        assert drawn[2] == "n: 5 of 1,000 (0%)".ljust(len(drawn[1]))

    def test_close_without_drawing_writes_nothing(self):
        screen = Terminal()
        Progress(screen, label="subjects").close()
        assert screen.getvalue() == ""

    def test_track_counts_lazily(self):
        progress = Progress(io.StringIO(), label="subjects")
        items = progress.track(iter(range(5)))
        assert progress.count == 0
        next(items)
        next(items)
        assert progress.count == 1  # counted once the consumer asks for the next item
