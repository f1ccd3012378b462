"""The preview table shows merges, moves and unmet fatigue rules (#5)."""

from __future__ import annotations

from datetime import date

from touchpoints import Plan, Subject, schedule
from touchpoints._cli import format_table


def test_notes_merges_and_conflicts_are_shown() -> None:
    # Thu 2026-01-15 + 90 days = Wed 04-15 (visit, high priority); + 92 days = Fri 04-17
    # (a second visit, merged); + 91 days = Thu 04-16 (a call: 7 days of spacing cannot
    # be found within a 3-day shift, so it stays and is reported).
    plan = Plan.model_validate(
        {
            "plan": "p",
            "fatigue": {"spacing": "7 days", "max_shift": "3 days"},
            "touchpoints": [
                {
                    "id": "visit",
                    "title": "Visit",
                    "channel": "visit",
                    "at": "purchase + 90 days",
                    "priority": "high",
                },
                {"id": "check", "title": "Check", "channel": "visit", "at": "purchase + 92 days"},
                {"id": "call", "title": "Call", "channel": "call", "at": "purchase + 91 days"},
            ],
        }
    )
    table = format_table(schedule(plan, Subject(id="s", anchors={"purchase": date(2026, 1, 15)})))
    assert "also covers 'check' #1" in table
    assert "from Wed" not in table  # a note that did not move the visit is not a move
    assert table.endswith(
        "Left out:\n"
        "  rule 'check' #1 merged into 'visit' #1 on Wed 2026-04-15\n"
        "\n"
        "Not met:\n"
        "  rule 'call' #1: spacing of 7 days with 'visit' #1: no day within 3 days after "
        "Thu 2026-04-16 meets every rule"
    )
