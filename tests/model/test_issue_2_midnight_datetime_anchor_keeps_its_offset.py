"""An anchor given as text with a time of midnight must keep its offset.

Subjects often arrive as JSON or CSV text. Pydantic reads a datetime string whose
time is exactly midnight, such as "2026-01-15T00:00:00+01:00", as the plain date
2026-01-15 when a field accepts dates, dropping the offset. A datetime counts as
its local date in the subject's zone, so for a subject in New York that anchor is
2026-01-14 (18:00 the day before), and the touch point moved by a day depending on
whether the value came from Python or from text.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from touchpoints import Plan, Subject, schedule

PLAN = Plan.model_validate(
    {"plan": "p", "touchpoints": [{"id": "a", "title": "A", "channel": "call", "at": "purchase"}]}
)


class TestMidnightDatetimeText:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2026-01-15T00:00:00+01:00", date(2026, 1, 14)),  # 18:00 on the 14th in New York
            ("2026-01-15T00:00:00Z", date(2026, 1, 14)),  # 19:00 on the 14th
            ("2026-01-15T00:00:00-05:00", date(2026, 1, 15)),  # New York's own midnight
            ("2026-01-15T00:00:00", date(2026, 1, 15)),  # naive: taken as local
            ("2026-01-15", date(2026, 1, 15)),
        ],
    )
    def test_text_gives_the_local_date(self, text: str, expected: date) -> None:
        subject = Subject.model_validate(
            {"id": "c", "timezone": "America/New_York", "anchors": {"purchase": text}}
        )
        assert [tp.due for tp in schedule(PLAN, subject)] == [expected]

    def test_text_and_python_values_agree(self) -> None:
        value = datetime(2026, 1, 15, tzinfo=timezone(timedelta(hours=1)))
        from_python = Subject(id="c", timezone="America/New_York", anchors={"purchase": value})
        from_text = Subject.model_validate(from_python.model_dump(mode="json"))
        assert from_text.anchors["purchase"] == value
        assert list(schedule(PLAN, from_text)) == list(schedule(PLAN, from_python))
