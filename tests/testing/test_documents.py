"""plan_documents: valid plan texts read back as their plan, and near-valid ones are
a PlanError, never another exception."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from touchpoints import PlanError, parse_plan_text
from touchpoints.testing import plan_documents, plans
from touchpoints.testing._features import FEATURES

FORMATS = ["yaml", "json", "toml"]
SOME = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("format", FORMATS)
def test_valid_documents_read_back_as_their_plan(format: str) -> None:
    @SOME
    @given(st.data())
    def check(data: st.DataObject) -> None:
        source = data.draw(plans(features=FEATURES, max_rules=3))
        text, mistake = data.draw(plan_documents(st.just(source), format=format))
        assert mistake is None
        assert parse_plan_text(text, format=format) == source

    check()


@pytest.mark.parametrize("format", FORMATS)
def test_near_valid_documents_are_plan_errors(format: str) -> None:
    @SOME
    @given(plan_documents(plans(max_rules=2), format=format, valid=False))
    def check(document: tuple[str, str | None]) -> None:
        text, mistake = document
        assert mistake is not None
        with pytest.raises(PlanError):
            parse_plan_text(text, format=format)

    check()
