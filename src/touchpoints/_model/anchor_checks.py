"""The plan-wide checks of anchor names: derived anchors that refer to each other in a
circle, and anchor names that look like typos of the plan's own.

Each check takes the plan's parts and returns its problems as (field path, message)
pairs, in time proportional to the number of anchors and uses (a chain of thousands
of derived anchors is walked once).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

from touchpoints._model.durations import AnchorExpression

__all__ = ["AnchorUse", "PlanProblem", "circle_problems", "name_problems"]

PlanProblem = tuple[tuple[str | int, ...], str]
"""A plan-level problem: the field path it belongs to, and the message."""
AnchorUse = tuple[tuple[str | int, ...], str]
"""Where a plan uses an anchor (``("touchpoints", 2, "until")``) and the name it uses."""


def circle_problems(anchors: Mapping[str, AnchorExpression]) -> list[PlanProblem]:
    """One problem per circle of derived anchors, naming its members in order.

    Each derived anchor refers to one other, so following them from every name in
    turn, and never twice from the same name, finds every circle in linear time.

    >>> anchors = {"a": AnchorExpression.parse("b + 1 day"),
    ...            "b": AnchorExpression.parse("a + 1 day"),
    ...            "c": AnchorExpression.parse("purchase + 1 day")}
    >>> circle_problems(anchors)  # doctest: +NORMALIZE_WHITESPACE
    [(('anchors', 'a'), "derived anchors refer to each other in a circle (a -> b -> a);
      at least one must come from a subject's own date")]
    """
    problems: list[PlanProblem] = []
    done: set[str] = set()
    for name in anchors:
        walk: dict[str, int] = {}  # the names of this walk, in order
        current = name
        while current in anchors and current not in done and current not in walk:
            walk[current] = len(walk)
            current = anchors[current].anchor
        if current in walk:
            circle = list(walk)[walk[current] :]
            problems.append(
                (
                    ("anchors", circle[0]),
                    "derived anchors refer to each other in a circle "
                    f"({' -> '.join([*circle, current])}); at least one must come from a "
                    "subject's own date",
                )
            )
        done.update(walk)
    return problems


def name_problems(
    uses: Sequence[AnchorUse], derived: Sequence[str], declared: Sequence[str] | None
) -> list[PlanProblem]:
    """Anchor names that look like typos.

    Without ``declared`` (the plan's ``subject_anchors``), a name the plan does not
    derive is taken to come from subjects, unless it is a near miss of a derived name
    (``renewl`` beside ``renewal``). With it, every name must be derived or declared,
    and a declared name may not also be derived.

    >>> for path, message in name_problems([(("stop", 0), "churnn")], ["churn"], None):
    ...     print(path, message)
    ('stop', 0) the plan derives no anchor 'churnn'; did you mean 'churn'? (if subjects give
    'churnn' themselves, list it in 'subject_anchors')
    """
    problems: list[PlanProblem] = []
    derived_names = set(derived)
    if declared is None:
        for path, name in uses:
            if name in derived_names:
                continue
            close = difflib.get_close_matches(name, list(derived), n=1, cutoff=0.8)
            if close:
                problems.append(
                    (
                        path,
                        f"the plan derives no anchor {name!r}; did you mean {close[0]!r}? "
                        f"(if subjects give {name!r} themselves, list it in "
                        "'subject_anchors')",
                    )
                )
        return problems
    for index, name in enumerate(declared):
        if name in derived_names:
            problems.append(
                (
                    ("subject_anchors", index),
                    f"{name!r} is derived in 'anchors'; list only the anchors subjects give",
                )
            )
        elif name in declared[:index]:
            problems.append((("subject_anchors", index), f"{name!r} is listed twice"))
    known = set(declared) | derived_names
    for path, name in uses:
        if name in known:
            continue
        close = difflib.get_close_matches(name, [*declared, *derived], n=1, cutoff=0.6)
        hint = (
            f"; did you mean {close[0]!r}?"
            if close
            else "; list it in 'subject_anchors' if subjects give it"
        )
        listed = ", ".join(declared) if declared else "none"
        problems.append(
            (
                path,
                f"{name!r} is neither a subject anchor (subject_anchors: {listed}) nor a "
                f"derived anchor{hint}",
            )
        )
    return problems
