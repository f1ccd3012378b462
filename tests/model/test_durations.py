"""Durations and anchor expressions: the text forms, the ISO forms and their errors."""

from __future__ import annotations

import re
from datetime import date

import pytest

from touchpoints import AnchorExpression, Duration, Plan, PlanError


class TestDurationText:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2 weeks", Duration(weeks=2)),
            ("90 days", Duration(days=90)),
            ("1 year 6 months", Duration(years=1, months=6)),
            ("1 year, 6 months", Duration(years=1, months=6)),
            ("1 year and 6 months", Duration(years=1, months=6)),
            ("1 day", Duration(days=1)),
            ("  3 months  ", Duration(months=3)),
            ("2weeks", Duration(weeks=2)),
            ("1y 6mo", Duration(years=1, months=6)),
            ("2 hours 30 minutes", Duration(hours=2, minutes=30)),
            ("2 h 30 min", Duration(hours=2, minutes=30)),
            ("3 Weeks", Duration(weeks=3)),
            ("0 days", Duration()),
        ],
    )
    def test_parses(self, text: str, expected: Duration) -> None:
        assert Duration.parse(text) == expected

    @pytest.mark.parametrize(
        ("duration", "text"),
        [
            (Duration(weeks=2), "2 weeks"),
            (Duration(years=1, months=6), "1 year 6 months"),
            (Duration(days=1), "1 day"),
            (Duration(hours=1, minutes=1), "1 hour 1 minute"),
            (Duration(), "0 days"),
        ],
    )
    def test_prints_back_as_written(self, duration: Duration, text: str) -> None:
        assert str(duration) == text
        assert Duration.parse(text) == duration

    @pytest.mark.parametrize(
        ("text", "fragment"),
        [
            ("2 fortnights", "unknown unit 'fortnights'"),
            ("2 weeks 3 weeks", "gives weeks twice"),
            ("", "is not a duration"),
            ("weeks", "is not a duration"),
            ("-2 days", "is not a duration"),
            ("2.5 days", "is not a duration"),
            ("2 days later", "is not a duration"),
            ("90000 years", "limited to about 1,000 years"),
            ("5 m", "unknown unit 'm'"),  # months or minutes? neither is guessed
        ],
    )
    def test_rejects_with_a_helpful_message(self, text: str, fragment: str) -> None:
        with pytest.raises(ValueError, match=re.escape(fragment)):
            Duration.parse(text)

    def test_invalid_text_message_shows_valid_forms(self) -> None:
        with pytest.raises(ValueError, match=r"'2 weeks'.*'P2W'"):
            Duration.parse("soon")


class TestDurationIso:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("P2W", Duration(weeks=2)),
            ("P1Y6M", Duration(years=1, months=6)),
            ("P90D", Duration(days=90)),
            ("PT2H30M", Duration(hours=2, minutes=30)),
            ("P1M", Duration(months=1)),  # M before T is months
            ("PT1M", Duration(minutes=1)),  # M after T is minutes
            ("P1DT12H", Duration(days=1, hours=12)),
            ("p2w", Duration(weeks=2)),
            ("P0D", Duration()),
        ],
    )
    def test_parses(self, text: str, expected: Duration) -> None:
        assert Duration.parse(text) == expected

    @pytest.mark.parametrize(
        ("duration", "iso"),
        [
            (Duration(weeks=2), "P2W"),
            (Duration(years=1, months=6), "P1Y6M"),
            (Duration(hours=2), "PT2H"),
            (Duration(days=1, minutes=5), "P1DT5M"),
            (Duration(), "P0D"),
        ],
    )
    def test_round_trips(self, duration: Duration, iso: str) -> None:
        assert duration.to_iso() == iso
        assert Duration.parse(iso) == duration

    @pytest.mark.parametrize("text", ["P", "PT", "P1.5Y", "P1H", "PT2D", "P-1D", "P1Y2Y", "P2WT"])
    def test_rejects(self, text: str) -> None:
        with pytest.raises(ValueError, match="ISO 8601"):
            Duration.parse(text)


class TestDurationValues:
    def test_negative_parts_are_rejected(self) -> None:
        with pytest.raises(ValueError, match="days must be a whole number of zero or more"):
            Duration(days=-1)

    def test_non_integer_parts_are_rejected(self) -> None:
        with pytest.raises(ValueError, match="weeks must be a whole number"):
            Duration(weeks=1.5)  # type: ignore[arg-type]

    def test_properties(self) -> None:
        assert Duration().is_zero
        assert not Duration(minutes=1).is_zero
        assert Duration(minutes=1).has_time
        assert not Duration(days=1).has_time
        assert Duration(weeks=3, days=2, hours=1).is_exact
        assert not Duration(years=1).is_exact

    def test_relativedelta_counts_weeks_as_seven_days(self) -> None:
        assert date(2026, 1, 1) + Duration(weeks=2, days=1).as_relativedelta() == date(2026, 1, 16)

    def test_relativedelta_factor_multiplies_every_part(self) -> None:
        # 3 x (1 month 1 day) = 3 months 3 days, applied at once: Jan 31 + 3 months
        # = Apr 30 (clamped), + 3 days = May 3.
        step = Duration(months=1, days=1)
        assert date(2024, 1, 31) + step.as_relativedelta(3) == date(2024, 5, 3)


class TestAnchorExpression:
    @pytest.mark.parametrize(
        ("text", "anchor", "offset", "sign"),
        [
            ("purchase", "purchase", Duration(), 1),
            ("purchase + 2 weeks", "purchase", Duration(weeks=2), 1),
            ("purchase+2 weeks", "purchase", Duration(weeks=2), 1),
            ("renewal - 60 days", "renewal", Duration(days=60), -1),
            ("  renewal -   P60D ", "renewal", Duration(days=60), -1),
            ("contract_end + 1 year 6 months", "contract_end", Duration(years=1, months=6), 1),
        ],
    )
    def test_parses(self, text: str, anchor: str, offset: Duration, sign: int) -> None:
        expression = AnchorExpression.parse(text)
        assert (expression.anchor, expression.offset, expression.sign) == (anchor, offset, sign)

    @pytest.mark.parametrize(
        ("text", "printed"),
        [
            ("purchase", "purchase"),
            ("purchase+2 weeks", "purchase + 2 weeks"),
            ("renewal - P60D", "renewal - 60 days"),
            ("purchase + 0 days", "purchase"),
        ],
    )
    def test_prints_in_canonical_form(self, text: str, printed: str) -> None:
        assert str(AnchorExpression.parse(text)) == printed

    @pytest.mark.parametrize(
        "text", ["", "1purchase", "purchase * 2", "purchase + ", "purchase + soon", "+ 2 days"]
    )
    def test_rejects(self, text: str) -> None:
        with pytest.raises(ValueError, match=r"not a|unknown unit|not a duration"):
            AnchorExpression.parse(text)

    def test_rejects_a_bad_sign_or_name(self) -> None:
        with pytest.raises(ValueError, match="sign must be 1 or -1"):
            AnchorExpression("purchase", Duration(days=1), 2)
        with pytest.raises(ValueError, match="is not an anchor name"):
            AnchorExpression("2nd-purchase")

    def test_offset_and_steps_are_summed_before_they_are_added(self) -> None:
        # purchase + 1 month, then 2 more monthly steps: 3 months at once from Jan 31
        # is Apr 30; stepping would give Feb 29 -> Mar 29 -> Apr 29.
        expression = AnchorExpression.parse("purchase + 1 month")
        delta = expression.as_relativedelta(Duration(months=1), times=2)
        assert date(2024, 1, 31) + delta == date(2024, 4, 30)

    def test_negative_offset_with_steps(self) -> None:
        # -1 month + 3 x 1 month = +2 months: Jan 31 -> Mar 31.
        expression = AnchorExpression.parse("purchase - 1 month")
        delta = expression.as_relativedelta(Duration(months=1), times=3)
        assert date(2024, 1, 31) + delta == date(2024, 3, 31)


class TestInPlans:
    def _plan(self, **rule: object) -> Plan:
        return Plan.model_validate(
            {"plan": "p", "touchpoints": [{"id": "a", "title": "A", "channel": "call", **rule}]}
        )

    def test_plan_accepts_text_and_iso(self) -> None:
        assert self._plan(every="P90D", starting="purchase").rules[0].every == Duration(days=90)
        assert self._plan(at="purchase + P2W").rules[0].at == AnchorExpression(
            "purchase", Duration(weeks=2)
        )

    def test_plan_reports_the_bad_duration(self) -> None:
        with pytest.raises(PlanError, match=r"unknown unit 'fortnights'"):
            self._plan(every="2 fortnights", starting="purchase")

    def test_plan_rejects_a_non_text_duration(self) -> None:
        with pytest.raises(PlanError, match="found the number 90, but a duration needs a unit"):
            self._plan(every=90, starting="purchase")

    def test_plan_rejects_a_bad_expression(self) -> None:
        with pytest.raises(PlanError, match="is not a date expression"):
            self._plan(at="purchase * 2")


@pytest.mark.parametrize("text", ["١ days", "P١D", "٣ weeks", "1٠ days", "２ days"])
def test_digits_other_than_ascii_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="digits other than 0 to 9"):
        Duration.parse(text)


def test_a_number_of_hundreds_of_digits_is_too_long_not_an_overflow() -> None:
    with pytest.raises(ValueError, match="too long"):
        Duration.parse("9" * 400 + " days")
    with pytest.raises(ValueError, match="too long"):
        Duration.parse("P" + "9" * 400 + "D")
