"""A rule's ``customer`` key: what a customer sees of it, if anything."""

from __future__ import annotations

import pytest

from touchpoints import PlanError, Rule

BASE = {"id": "call", "title": "Renewal is coming up", "channel": "email", "at": "renewal"}


def test_without_the_key_a_rule_is_internal() -> None:
    rule = Rule.model_validate(BASE)
    assert rule.customer is None
    assert rule.customer_words() is None


def test_false_is_internal_too() -> None:
    assert Rule.model_validate({**BASE, "customer": False}).customer_words() is None


def test_true_shows_the_rule_as_it_is() -> None:
    rule = Rule.model_validate({**BASE, "description": "Call them", "customer": True})
    assert rule.customer_words() == ("Renewal is coming up", "Call them")


def test_the_customers_own_words() -> None:
    rule = Rule.model_validate(
        {
            **BASE,
            "description": "internal note",
            "customer": {"title": "Your renewal", "description": "We will call."},
        }
    )
    assert rule.customer_words() == ("Your renewal", "We will call.")


def test_own_words_without_a_description_show_none_of_the_internal_one() -> None:
    rule = Rule.model_validate(
        {**BASE, "description": "internal note", "customer": {"title": "Your renewal"}}
    )
    assert rule.customer_words() == ("Your renewal", None)


@pytest.mark.parametrize(
    "value", [{"titel": "typo"}, {"description": "no title"}, "yes", {"title": ""}]
)
def test_a_wrong_customer_key_is_an_error(value: object) -> None:
    with pytest.raises(PlanError):
        Rule.model_validate({**BASE, "customer": value})
