"""Contract terms: the plan starts again at each renewal (#5)."""

from __future__ import annotations

from datetime import date
from typing import Any

from touchpoints import Plan, Subject, schedule, touch_point_id


def make_plan(**fields: Any) -> Plan:
    return Plan.model_validate(
        {
            "plan": "contract",
            "anchors": {"renewal": "start + 1 year"},
            "touchpoints": [
                {"id": "welcome", "title": "Welcome", "channel": "call", "at": "start"},
                {
                    "id": "check",
                    "title": "Quarterly check",
                    "channel": "call",
                    "every": "3 months",
                    "starting": "start + 3 months",
                },
                {"id": "renew", "title": "Renewal", "channel": "meeting", "at": "renewal"},
            ],
            **fields,
        }
    )


TERMED = make_plan(term={"starts": "start", "length": "1 year"})


def rows(plan: Plan, start: date, *renewals: date, **window: Any) -> list[tuple[Any, ...]]:
    subject = Subject(id="s", anchors={"start": start}, renewals=renewals)
    return [
        (tp.term, tp.rule_id, tp.occurrence, tp.due) for tp in schedule(plan, subject, **window)
    ]


class TestTerms:
    def test_without_a_renewal_the_plan_ends_with_its_term(self) -> None:
        # Term 1: 2026-01-10 to 2027-01-10 (inclusive), checks every 3 months.
        assert rows(TERMED, date(2026, 1, 10)) == [
            (1, "welcome", 1, date(2026, 1, 10)),
            (1, "check", 1, date(2026, 4, 10)),
            (1, "check", 2, date(2026, 7, 10)),
            (1, "check", 3, date(2026, 10, 10)),
            (1, "check", 4, date(2027, 1, 10)),
            (1, "renew", 1, date(2027, 1, 10)),
        ]

    def test_a_renewal_starts_the_plan_again_from_the_renewal_day(self) -> None:
        # Renewed two weeks late, on 2027-01-24: term 2 counts from that day.
        term_two = [
            row for row in rows(TERMED, date(2026, 1, 10), date(2027, 1, 24)) if row[0] == 2
        ]
        assert term_two == [
            (2, "welcome", 1, date(2027, 1, 24)),
            (2, "check", 1, date(2027, 4, 24)),
            (2, "check", 2, date(2027, 7, 24)),
            (2, "check", 3, date(2027, 10, 24)),
            (2, "check", 4, date(2028, 1, 24)),
            (2, "renew", 1, date(2028, 1, 24)),
        ]

    def test_an_early_renewal_cuts_the_rest_of_the_old_term(self) -> None:
        # Renewed on 2026-08-01: term 1's checks after that day are not made.
        result = rows(TERMED, date(2026, 1, 10), date(2026, 8, 1))
        assert [row for row in result if row[0] == 1] == [
            (1, "welcome", 1, date(2026, 1, 10)),
            (1, "check", 1, date(2026, 4, 10)),
            (1, "check", 2, date(2026, 7, 10)),
        ]
        assert (2, "welcome", 1, date(2026, 8, 1)) in result

    def test_a_renewal_on_february_29(self) -> None:
        # Term 2 starts on the leap day 2028-02-29; its renewal is a year later,
        # clamped to 2029-02-28, and its checks fall on the 29th where it exists
        # (2028-05-29, 08-29, 11-29) and on 2029-02-28.
        result = rows(TERMED, date(2027, 3, 1), date(2028, 2, 29))
        assert [row for row in result if row[0] == 2] == [
            (2, "welcome", 1, date(2028, 2, 29)),
            (2, "check", 1, date(2028, 5, 29)),
            (2, "check", 2, date(2028, 8, 29)),
            (2, "check", 3, date(2028, 11, 29)),
            (2, "check", 4, date(2029, 2, 28)),
            (2, "renew", 1, date(2029, 2, 28)),
        ]

    def test_ids_stay_distinct_across_terms_and_term_one_keeps_its_ids(self) -> None:
        subject = Subject(
            id="s", anchors={"start": date(2026, 1, 10)}, renewals=(date(2027, 1, 10),)
        )
        result = schedule(TERMED, subject)
        ids = [tp.id for tp in result]
        assert len(set(ids)) == len(ids)
        for tp in result:
            assert tp.id == touch_point_id("contract", "s", tp.rule_id, tp.occurrence, term=tp.term)
        untermed = schedule(make_plan(), Subject(id="s", anchors={"start": date(2026, 1, 10)}))
        first = {(tp.rule_id, tp.occurrence): tp.id for tp in untermed}
        for tp in result:
            if tp.term == 1:
                assert first[tp.rule_id, tp.occurrence] == tp.id

    def test_history_belongs_to_its_term(self) -> None:
        history = [{"rule": "check", "occurrence": 1, "term": 2, "status": "skipped"}]
        subject = Subject.model_validate(
            {
                "id": "s",
                "anchors": {"start": date(2026, 1, 10)},
                "renewals": [date(2027, 1, 10)],
                "history": history,
            }
        )
        result = schedule(TERMED, subject)
        checks = [(tp.term, tp.occurrence) for tp in result if tp.rule_id == "check"]
        assert (1, 1) in checks
        assert (2, 1) not in checks
        assert [str(o) for o in result.omitted] == ["rule 'check' #1 of term 2 left out: skipped"]

    def test_without_a_length_a_term_runs_until_the_next_renewal(self) -> None:
        plan = make_plan(term={"starts": "start"})
        result = rows(plan, date(2026, 1, 10), date(2026, 5, 1), end=date(2026, 9, 1))
        assert result == [
            (1, "welcome", 1, date(2026, 1, 10)),
            (1, "check", 1, date(2026, 4, 10)),
            (2, "welcome", 1, date(2026, 5, 1)),
            (2, "check", 1, date(2026, 8, 1)),
        ]


class TestRescheduledPastTheTerm:
    """A touch point the history moves past its term's end is reported, not lost (the
    lifecycle state machine of ``touchpoints.testing`` found it)."""

    def test_it_is_left_out_with_a_reason(self) -> None:
        # Term 1 runs 2026-01-10 to 2027-01-10; check #2 (2026-07-10) is moved to
        # 2027-03-01, after the term's last day.
        moved = {"rule": "check", "occurrence": 2, "status": "rescheduled", "on": "2027-03-01"}
        subject = Subject.model_validate(
            {"id": "s", "anchors": {"start": "2026-01-10"}, "history": [moved]}
        )
        result = schedule(TERMED, subject)
        assert ("check", 2) not in [(tp.rule_id, tp.occurrence) for tp in result]
        [omission] = [o for o in result.omitted if o.rule_id == "check"]
        assert (omission.kind, omission.occurrences, omission.term) == ("stopped", (2,), 1)
        assert str(omission) == (
            "rule 'check' #2 left out: rescheduled to Mon 2027-03-01, after the term ends "
            "on Sun 2027-01-10"
        )

    def test_one_moved_within_its_term_stays_where_it_was_moved(self) -> None:
        moved = {"rule": "check", "occurrence": 2, "status": "rescheduled", "on": "2026-12-01"}
        subject = Subject.model_validate(
            {"id": "s", "anchors": {"start": "2026-01-10"}, "history": [moved]}
        )
        result = schedule(TERMED, subject)
        [tp] = [tp for tp in result if (tp.rule_id, tp.occurrence) == ("check", 2)]
        assert tp.due == date(2026, 12, 1)
        assert not result.omitted
