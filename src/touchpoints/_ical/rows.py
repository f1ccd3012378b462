"""A feed written in parts, from touch points or from their fields as plain rows.

The columnar batch path keeps touch points as columns; :class:`RowFeed` writes a feed
from their fields (rule, occurrence, due, id) without a :class:`TouchPoint` per row,
and from touch points for what the columns do not carry, in any mix and order. The
bytes equal :func:`touchpoints.write_ical` of the same touch points in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Final

from touchpoints._core import TouchPoint, require
from touchpoints._ical.options import ExportOptions, resolve
from touchpoints._ical.revisions import IcalWrite
from touchpoints._ical.writer import BinaryWriter, Writer
from touchpoints._model import Rule

__all__ = ["RowFeed"]

_FLUSH_EVERY: Final = 512


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
    >>> feed.rows("p", plan.rules, [0], [1], [date(2026, 1, 15)], ["uid-1"], None)
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
    def needs_subjects(self) -> bool:
        """True when a template renders the text, so :meth:`rows` needs subject ids."""
        return not self.plain

    def touch_points(self, touch_points: Iterable[TouchPoint]) -> None:
        """Write these touch points' components."""
        render = self.writer.render
        buffer = self.buffer
        for tp in touch_points:
            buffer.append(render(tp, None))
            self.count += 1
            if len(buffer) >= _FLUSH_EVERY:
                self._flush()

    def rows(
        self,
        plan_id: str,
        rules: Sequence[Rule],
        rule_numbers: Sequence[int],
        occurrences: Sequence[int],
        dues: Sequence[date],
        uids: Sequence[str],
        subject_ids: Sequence[str] | None,
    ) -> None:
        """Write the components of touch points given by their fields: each row's
        rule (its position in ``rules``), occurrence, due and id. They are of the
        first term, with no adjustments and no completion (pass those as
        :meth:`touch_points`). ``subject_ids`` is needed when :attr:`needs_subjects`.
        """
        buffer = self.buffer
        writer = self.writer
        if self.plain:
            parts = [writer.rule_parts(rule, plan_id) for rule in rules]
            render_plain = writer.render_plain
            for number, occurrence, due, uid in zip(
                rule_numbers, occurrences, dues, uids, strict=True
            ):
                buffer.append(render_plain(parts[number], due, occurrence, uid))
                if len(buffer) >= _FLUSH_EVERY:
                    self._flush()
            self.count += len(uids)
            return
        assert subject_ids is not None, "a template needs the subject ids"
        self.touch_points(
            TouchPoint(plan_id, rules[number].id, subject, occurrence, due, rules[number])
            for number, occurrence, due, subject in zip(
                rule_numbers, occurrences, dues, subject_ids, strict=True
            )
        )

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
