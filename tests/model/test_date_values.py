"""Dates in subjects are written YYYY-MM-DD: a number, or digits without dashes, is
refused everywhere, never read as seconds since 1970."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from touchpoints import HistoryEvent, Subject, SubjectError


class TestAnchorValues:
    @pytest.mark.parametrize("value", [20260115, "20260115", 1_768_435_200, 1.7e9, " 20260115"])
    def test_a_number_is_not_a_date(self, value: Any):
        with pytest.raises(SubjectError) as caught:
            Subject(id="c-1", anchors={"purchase": value})
        [problem] = caught.value.problems
        assert problem.location == "anchors.purchase"
        assert problem.message.startswith("expected a date like '2026-01-15', found ")

    def test_a_renewal_number_is_not_a_date(self):
        with pytest.raises(SubjectError):
            Subject.model_validate({"id": "c-1", "renewals": [20270115]})

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("2026-01-15", date(2026, 1, 15)),
            (" 2026-01-15 ", date(2026, 1, 15)),
            ("2026-01-15T09:30", datetime(2026, 1, 15, 9, 30)),
            (date(2026, 1, 15), date(2026, 1, 15)),
        ],
    )
    def test_dates_written_with_dashes_are_read(self, value: Any, expected: date):
        assert Subject(id="c-1", anchors={"purchase": value}).anchors["purchase"] == expected


class TestHistoryDates:
    def test_a_number_is_not_the_day_it_happened(self):
        with pytest.raises(SubjectError):
            HistoryEvent.model_validate(
                {"rule": "a", "occurrence": 1, "status": "completed", "on": 20260115}
            )

    def test_a_date_with_dashes_is(self):
        event = HistoryEvent.model_validate(
            {"rule": "a", "occurrence": 1, "status": "completed", "on": "2026-01-15"}
        )
        assert event.on == date(2026, 1, 15)
