"""What scheduling leaves out or cannot meet: omissions (with their kinds and, for
merges, what they went into) and fatigue conflicts.

Plain immutable values beside the touch points of a :class:`~touchpoints.Schedule`;
``str()`` gives each in words, the fields give it to code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, NamedTuple, get_args

__all__ = ["OMISSION_KINDS", "Conflict", "Omission", "OmissionKind", "RuleOccurrence"]


OmissionKind = Literal[
    "missing_anchor", "condition", "history", "unknown_rule", "stopped", "missed", "collapsed",
    "merged", "other",
]  # fmt: skip
"""Why touch points were left out, as a word code can compare:

- ``missing_anchor``: an optional rule's anchor is missing (see :attr:`Omission.anchor`);
- ``condition``: the rule's ``when`` condition is not met;
- ``history``: the subject's history skipped or cancelled the touch point;
- ``unknown_rule``: the history names a rule the plan does not have;
- ``stopped``: a stop anchor cut the rule's series short, or a touch point the
  history rescheduled past the end of its contract term is left out;
- ``missed``: missed touch points left out by the ``skip`` policy;
- ``collapsed``: missed touch points collapsed into the last one;
- ``merged``: merged into another touch point by contact fatigue
  (see :attr:`Omission.merged_into`);
- ``other``: any other reason (see :attr:`Omission.reason`).
"""

OMISSION_KINDS: Final[tuple[OmissionKind, ...]] = get_args(OmissionKind)
"""Every :data:`OmissionKind`, in the order above.

>>> OMISSION_KINDS[:2]
('missing_anchor', 'condition')
"""


class RuleOccurrence(NamedTuple):
    """One touch point of a subject's schedule, named by its rule, occurrence and term.

    >>> RuleOccurrence("service", 2)
    RuleOccurrence(rule_id='service', occurrence=2, term=1)
    """

    rule_id: str
    occurrence: int
    term: int = 1


@dataclass(frozen=True, slots=True)
class Omission:
    """Touch points of a rule left out for a subject, and why; reported, never silent.

    ``str()`` gives the reason in words; the other fields give it to code.

    Attributes:
        rule_id: the rule.
        anchor: the anchor the subject lacks, when that is the reason.
        reason: the reason in words, when it is another one (a condition not met,
            a stop anchor), phrased to follow the rule's name.
        kind: the reason as an :data:`OmissionKind`; when not given, ``missing_anchor``
            with an ``anchor`` and ``other`` without.
        occurrences: the occurrence numbers left out, when the omission is about
            particular touch points (history, missed, merged); empty when it is about
            the whole rule.
        term: the contract term of those occurrences, from 1.
        merged_into: for a merge, the touch point it was merged into.

    >>> print(Omission("win-back", "churn"))
    rule 'win-back' left out: the subject has no 'churn' date
    >>> Omission("win-back", "churn").kind
    'missing_anchor'
    >>> print(Omission("upsell", reason="left out: attribute 'segment' is missing"))
    rule 'upsell' left out: attribute 'segment' is missing
    """

    rule_id: str
    anchor: str | None = None
    reason: str | None = None
    kind: OmissionKind | None = None
    occurrences: tuple[int, ...] = ()
    term: int = 1
    merged_into: RuleOccurrence | None = None

    def __post_init__(self) -> None:
        if self.kind is None:
            kind = "missing_anchor" if self.anchor is not None else "other"
            object.__setattr__(self, "kind", kind)

    def __str__(self) -> str:
        why = self.reason or f"left out: the subject has no {self.anchor!r} date"
        return f"rule {self.rule_id!r} {why}"


@dataclass(frozen=True, slots=True)
class Conflict:
    """A touch point whose spacing or cap could not be met, and why.

    >>> print(Conflict("check", 3, 1, "spacing of 7 days with 'service' #2 not met"))
    rule 'check' #3: spacing of 7 days with 'service' #2 not met
    """

    rule_id: str
    occurrence: int
    term: int
    reason: str

    def __str__(self) -> str:
        term = f" of term {self.term}" if self.term != 1 else ""
        return f"rule {self.rule_id!r} #{self.occurrence}{term}: {self.reason}"
