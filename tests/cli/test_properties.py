"""Properties of the command line's text over every plan the testing strategies make."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from touchpoints import Plan, Subject, explain_plan, explain_rule, schedule
from touchpoints._cli import format_table
from touchpoints.testing import plans, subjects


@given(plans())
def test_explain_has_one_line_per_rule(plan: Plan) -> None:
    lines = explain_plan(plan).splitlines()
    rule_lines = lines[lines.index("Touch points:") + 1 :]
    assert len(rule_lines) == len(plan.rules)
    for line, rule in zip(rule_lines, plan.rules, strict=True):
        assert line == f"  {rule.id} [{rule.channel}] {explain_rule(rule)}"
        assert "\n" not in explain_rule(rule)
        assert explain_rule(rule).startswith(f"{' '.join(rule.title.split())}: ")


@settings(max_examples=50)
@given(st.data())
def test_the_table_has_one_row_per_touch_point(data: st.DataObject) -> None:
    plan = data.draw(plans(max_rules=3))
    subject: Subject = data.draw(subjects(plan))
    result = schedule(plan, subject)
    table = format_table(result)
    if not result:
        assert table.splitlines()[0] == "(no touch points in the window)"
        return
    rows = table.split("\n\n")[0].splitlines()[2:]
    assert len(rows) == len(result)
    for row, tp in zip(rows, result, strict=True):
        assert row.startswith(tp.due.isoformat()[:10])
        assert f"  {tp.rule_id}  " in row
