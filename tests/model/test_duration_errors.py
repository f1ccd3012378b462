"""Durations and date expressions refuse bad text with the package's own error."""

from __future__ import annotations

import pytest

from touchpoints import AnchorExpression, Duration, DurationError, TouchpointsError


@pytest.mark.parametrize(
    "text", ["2 wekks", "P", "2 weeks 3 weeks", "fortnight", "١ day", "9" * 30 + " days"]
)
def test_a_bad_duration_is_a_duration_error(text: str) -> None:
    with pytest.raises(DurationError) as caught:
        Duration.parse(text)
    assert isinstance(caught.value, TouchpointsError)
    assert isinstance(caught.value, ValueError)  # as before, for callers catching that
    assert repr(text) in str(caught.value)


@pytest.mark.parametrize("text", ["purchase plus 2 weeks", "+ 2 weeks", "purchase + 2 wekks"])
def test_a_bad_expression_is_a_duration_error(text: str) -> None:
    with pytest.raises(DurationError):
        AnchorExpression.parse(text)


def test_impossible_durations_and_conversions_are_duration_errors() -> None:
    with pytest.raises(DurationError, match="whole number"):
        Duration(days=-1)
    with pytest.raises(DurationError, match="business days alone"):
        Duration(days=1, business_days=2)
    with pytest.raises(DurationError, match="no fixed length"):
        Duration(months=1).as_timedelta()
    with pytest.raises(DurationError, match="ISO 8601 has no business days"):
        Duration(business_days=3).to_iso()
