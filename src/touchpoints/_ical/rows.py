"""A feed written in parts, from touch points or from components put together elsewhere.

The columnar batch path keeps touch points as columns. :class:`RowFeed` gives it each
rule's component text around the parts that vary (the start, the id, the occurrence,
the rule's names, the zone note), and that text with a touch point's adjustments in
it, so that it can join components from columns without a :class:`TouchPoint` per row,
and writes touch points for what the columns do not carry, in any mix and order. The
bytes equal :func:`touchpoints.write_ical` of the same touch points in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Final, NamedTuple

from touchpoints._core import TouchPoint, require
from touchpoints._ical.fields import adjustments_value
from touchpoints._ical.options import ExportOptions, resolve
from touchpoints._ical.revisions import IcalWrite
from touchpoints._ical.writer import BinaryWriter, Writer, property_lines, with_ids
from touchpoints._model import Adjustment, Rule

__all__ = ["RowFeed", "RulePieces"]

_FLUSH_EVERY: Final = 512


class RulePieces(NamedTuple):
    """A rule's component text around the parts that vary: a component is
    ``head + when + middle + uid + after_uid + occurrence + names + note + tail``, with
    ``names`` the ``first_names`` on the rule's first component in the feed and
    ``later_names`` on the others."""

    head: str
    middle: str
    after_uid: str
    first_names: str
    later_names: str
    tail: str
    digest: str


class RowFeed:
    """Write a feed in parts: the header when built, then :meth:`touch_points` and
    :meth:`rows` in the feed's order, then :meth:`close`.

    >>> import io
    >>> from datetime import UTC, date, datetime
    >>> from touchpoints import Plan
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase"}]})
    >>> out = io.BytesIO()
    >>> feed = RowFeed(out, ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC)))
    >>> (pieces,) = feed.pieces("p", plan.rules, timed=False)
    >>> when, note = feed.when(plan.rules[0], "p", date(2026, 1, 15))
    >>> names = pieces.first_names if feed.carry(pieces) else pieces.later_names
    >>> text = (pieces.head + when + pieces.middle + "uid-1" + pieces.after_uid + "1"
    ...         + names + note + pieces.tail)
    >>> feed.write_components(text.encode(), 1)
    >>> feed.close()
    IcalWrite(count=1, state={})
    >>> b"DTSTART;VALUE=DATE:20260115\\r\\nDTEND;VALUE=DATE:20260116" in out.getvalue()
    True
    """

    __slots__ = ("buffer", "count", "plain", "stream", "writer")

    def __init__(self, stream: BinaryWriter, options: ExportOptions) -> None:
        require(options, ExportOptions, "options")
        resolved = resolve(options)
        self.writer = Writer(resolved)
        self.stream = stream
        self.count = 0
        self.buffer: list[str] = []
        self.plain = resolved.template is None and resolved.summary is None
        stream.write(self.writer.header().encode())

    @property
    def templated(self) -> bool:
        """True when a template renders the text: then every component is written
        from a touch point (:meth:`touch_points`), since templates read its fields."""
        return not self.plain

    def touch_points(self, touch_points: Iterable[TouchPoint]) -> None:
        """Write these touch points' components."""
        render = self.writer.render
        buffer = self.buffer
        for batch, ids in with_ids(touch_points):
            buffer.extend(map(render, batch, [None] * len(batch), ids))
            self.count += len(batch)
            if len(buffer) >= _FLUSH_EVERY:
                self._flush()

    def pieces(self, plan_id: str, rules: Sequence[Rule], timed: bool) -> list[RulePieces]:
        """Each rule's text around the varying parts of its components (see
        :class:`RulePieces`); ``timed`` for plans with a contact time."""
        writer = self.writer
        found = []
        for rule in rules:
            parts = writer.rule_parts(rule, plan_id)
            head, middle, after_uid, tail = writer.row_pieces(parts, timed)
            found.append(
                RulePieces(
                    head,
                    middle,
                    after_uid,
                    "\r\n" + parts.plan_rule,
                    "\r\n" + parts.plan_rule_ref,
                    tail,
                    parts.digest,
                )
            )
        return found

    def after_uid(
        self, rule: Rule, plan_id: str, timed: bool, adjustments: Sequence[Adjustment]
    ) -> str:
        """The rule's :attr:`RulePieces.after_uid` for a component whose touch point
        has ``adjustments`` (its ``X-TOUCHPOINTS-ADJUSTMENTS`` line goes before the
        occurrence); the plain ``after_uid`` for none.

        >>> import io
        >>> from datetime import UTC, date, datetime
        >>> from touchpoints import Plan
        >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
        ...     {"id": "call", "title": "Call", "channel": "call", "at": "purchase"}]})
        >>> feed = RowFeed(io.BytesIO(), ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC)))
        >>> moved = Adjustment(date(2026, 5, 2), date(2026, 5, 4), "weekend", kind="rolled")
        >>> text = feed.after_uid(plan.rules[0], "p", False, [moved])
        >>> print(text.split("\\r\\n")[-2])
        X-TOUCHPOINTS-ADJUSTMENTS:[["2026-05-02"\\,"2026-05-04"\\,"weekend"]]
        """
        parts = self.writer.rule_parts(rule, plan_id)
        extras = ""
        if adjustments:
            extras = property_lines([("X-TOUCHPOINTS-ADJUSTMENTS", adjustments_value(adjustments))])
        return self.writer.row_pieces(parts, timed, extras)[2]

    def when(self, rule: Rule, plan_id: str, due: date) -> tuple[str, str]:
        """A component's start (and all-day end) text and zone note for ``due``; the
        zone is kept for the feed's ``VTIMEZONE``."""
        return self.writer.when(self.writer.rule_parts(rule, plan_id), due)

    def carry(self, pieces: RulePieces) -> bool:
        """True, once, when the rule's next component is the first in the feed, which
        carries its JSON (``first_names``); later ones take ``later_names``."""
        carried = self.writer.carried
        if pieces.digest in carried:
            return False
        carried.add(pieces.digest)
        return True

    def write_components(self, data: bytes | memoryview, count: int) -> None:
        """Write ``count`` components formatted from :meth:`pieces` and :meth:`when`."""
        self._flush()
        self.stream.write(data)  # type: ignore[arg-type]
        self.count += count

    def close(self) -> IcalWrite:
        """Write the time zones seen and the calendar's end; what was written."""
        self.buffer.append(self.writer.timezones())
        self.buffer.append("END:VCALENDAR\r\n")
        self._flush()
        return IcalWrite(self.count, {})

    def _flush(self) -> None:
        if self.buffer:
            self.stream.write("".join(self.buffer).encode())
            self.buffer.clear()
