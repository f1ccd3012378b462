"""Text that looks like a line break to Python but not to iCalendar keeps an event ours."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from touchpoints import ExportOptions, Plan, Subject, plan_sync, schedule, to_ical

STAMP = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\x1c", "\x1d", "\x1e"])
def test_a_description_with_a_unicode_line_separator_stays_ours(separator: str) -> None:
    plan = Plan.model_validate(
        {
            "plan": "after-sales",
            "touchpoints": [
                {
                    "id": "call",
                    "title": "Call",
                    "channel": "call",
                    "at": "purchase",
                    "description": f"Notes{separator}End: call back",
                }
            ],
        }
    )
    tps = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
    events = [(tp, to_ical([tp], options=ExportOptions(stamp=STAMP))) for tp in tps]
    (created,) = plan_sync([], events, plan_id="after-sales").create

    again = plan_sync([created], events, plan_id="after-sales")

    assert again.unchanged == (tps[0].id,)
    assert (again.create, again.update, again.delete, again.conflicts) == ((), (), (), ())
    # Once the plan no longer has it, the sync deletes it: it is still ours.
    assert plan_sync([created], [], plan_id="after-sales").delete == (created,)
