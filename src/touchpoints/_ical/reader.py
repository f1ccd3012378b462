"""Reading back: the touch points of a feed that touchpoints wrote, every field intact.

The feed is scanned as it is read, one component at a time
(:mod:`touchpoints._ical.scanning`), and only the properties touchpoints writes are
read, so a damaged or hostile feed gives a :class:`~touchpoints.CalendarReadError` and
nothing else. :func:`iter_ical` hands out each touch point as soon as its component is
read, in memory that does not grow with the feed; :func:`from_ical` collects them.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import IO, Final, NamedTuple

from touchpoints._core import TouchPoint, each, require, touch_point_id
from touchpoints._errors import CalendarReadError, PlanError
from touchpoints._ical.content_lines import unescape
from touchpoints._ical.fields import rule_digest
from touchpoints._ical.scanning import Line, components
from touchpoints._model import (
    ADJUSTMENT_KINDS,
    Adjustment,
    Rule,
    kind_from_words,
    zone_for,
)

__all__ = ["MAX_FEED_BYTES", "from_ical", "iter_ical"]


def from_ical(data: bytes | str, *, subject_ids: Iterable[str]) -> tuple[TouchPoint, ...]:
    """Read touch points back from a feed that touchpoints wrote.

    Every field comes back intact: plan, rule (from ``X-TOUCHPOINTS-RULE-JSON``),
    occurrence and due (with its zone). The subject id is never written into a feed,
    so give the candidates: each touch point's subject is the one whose id gives its
    ``UID``. Components that touchpoints did not write (no ``X-TOUCHPOINTS-PLAN``)
    and cancelled ones are skipped. The order is the feed's. For a feed too large to
    hold, read it from a file with :func:`iter_ical`.

    Args:
        data: the iCalendar text.
        subject_ids: the subject ids the feed may contain.

    Raises:
        CalendarReadError: the data is not iCalendar or larger than
            ``MAX_FEED_BYTES`` (256 MiB), a touchpoints component is damaged (a property
            given twice, a value that does not parse), or its subject is not among
            ``subject_ids``; the message names the line. No other exception leaves it.

    >>> from datetime import date, datetime, UTC
    >>> from touchpoints import Plan, Subject, schedule
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Welcome call", "channel": "call", "at": "purchase"}]})
    >>> tps = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
    >>> from touchpoints import ExportOptions, to_ical
    >>> from_ical(to_ical(tps, options=ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC))),
    ...           subject_ids=["c1", "c2"]) == tuple(tps)
    True
    """
    require(data, (bytes, str), "data")
    if len(data) > MAX_FEED_BYTES:
        raise CalendarReadError(
            f"the feed is larger than {MAX_FEED_BYTES // (1024 * 1024)} MiB; read it in parts"
        )
    return tuple(iter_ical(data, subject_ids=subject_ids))


def iter_ical(
    data: bytes | str | IO[bytes] | IO[str], *, subject_ids: Iterable[str]
) -> Iterator[TouchPoint]:
    """The touch points of a feed that touchpoints wrote, one at a time, as it is read.

    What :func:`from_ical` gives, as an iterator: ``data`` may also be a file opened
    for reading (in binary or text mode), which is read a chunk at a time, so memory
    holds one chunk and one event however long the feed is. Each touch point comes
    as soon as its event is read. (An event whose rule only a later event carries,
    which touchpoints never writes, waits for it, and so do those after it, to keep
    the feed's order.) The arguments are checked when it is called; the feed is read
    as the iterator is.

    Raises:
        CalendarReadError: as :func:`from_ical` (but for the size limit), while
            iterating, naming the line of the file.

    >>> import io
    >>> from datetime import date, datetime, UTC
    >>> from touchpoints import ExportOptions, Plan, Subject, schedule, to_ical
    >>> plan = Plan.model_validate({"plan": "p", "touchpoints": [
    ...     {"id": "call", "title": "Welcome call", "channel": "call", "at": "purchase"}]})
    >>> tps = schedule(plan, Subject(id="c1", anchors={"purchase": date(2026, 1, 15)}))
    >>> options = ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC))
    >>> feed = io.BytesIO(to_ical(tps, options=options))
    >>> [tp.rule_id for tp in iter_ical(feed, subject_ids=["c1"])]
    ['call']
    """
    if not isinstance(data, bytes | str) and not callable(getattr(data, "read", None)):
        raise TypeError(
            f"data must be bytes, str or a file opened for reading, not {type(data).__name__}"
        )
    candidates = tuple(dict.fromkeys(each(subject_ids, str, "each subject id")))
    return _touch_points(data, candidates)


_CHUNK: Final = 1 << 20  # bytes read at a time


def _chunks(data: bytes | str | IO[bytes] | IO[str]) -> Iterator[bytes]:
    if isinstance(data, bytes):
        for start in range(0, len(data), _CHUNK):
            yield data[start : start + _CHUNK]
        return
    if isinstance(data, str):
        for start in range(0, len(data), _CHUNK):
            # Scanned as UTF-8 like bytes; a lone surrogate is then not UTF-8.
            yield data[start : start + _CHUNK].encode("utf-8", "surrogatepass")
        return
    while chunk := data.read(_CHUNK):
        if isinstance(chunk, str):
            yield chunk.encode("utf-8", "surrogatepass")  # a lone surrogate: not UTF-8
        elif isinstance(chunk, bytes | bytearray | memoryview):
            yield bytes(chunk)
        else:
            raise TypeError(f"data.read() must give bytes or str, not {type(chunk).__name__}")


def _touch_points(
    data: bytes | str | IO[bytes] | IO[str], candidates: tuple[str, ...]
) -> Iterator[TouchPoint]:
    rules: dict[str, Rule] = {}  # by the JSON as written
    by_digest: dict[str, Rule] = {}  # by rule_digest of the JSON
    owners = _Owners(candidates)
    waiting: deque[tuple[int, _Read]] = deque()  # behind one whose rule comes later
    for kind, number, lines in components(_chunks(data), _READ):
        try:
            properties = _properties(lines)
            if "X-TOUCHPOINTS-PLAN" not in properties:
                continue
            status = properties.get("STATUS")
            if status is not None and status.value.strip().upper() == "CANCELLED":
                continue
            read = _read_component(kind, properties, rules, by_digest)
            if not waiting and (not isinstance(read.rule, str) or read.rule in by_digest):
                yield _resolved(read, owners, by_digest)
                continue
            waiting.append((number, read))
            while waiting and (
                not isinstance(waiting[0][1].rule, str) or waiting[0][1].rule in by_digest
            ):
                number, read = waiting.popleft()
                yield _resolved(read, owners, by_digest)
        except CalendarReadError as error:
            raise CalendarReadError(f"line {number}: {error}") from None
    for number, read in waiting:
        try:
            yield _resolved(read, owners, by_digest)
        except CalendarReadError as error:
            raise CalendarReadError(f"line {number}: {error}") from None


def _resolved(read: _Read, owners: _Owners, by_digest: dict[str, Rule]) -> TouchPoint:
    found = read.rule
    rule = found if isinstance(found, Rule) else _carried(read.uid, read.rule_id, found, by_digest)
    return owners.touch_point(read, rule)


class _Owners:
    """Whose each touch point is: the candidate whose id gives its UID.

    The subject of the touch point before, and the candidate after it, are tried
    first (one hash each), because a feed holds each subject's touch points together,
    usually in the order of the ids given; only when neither fits are the ids of every
    candidate computed, once per (plan, rule, occurrence, term).
    """

    def __init__(self, candidates: tuple[str, ...]) -> None:
        self.candidates = candidates
        self.position = {subject_id: n for n, subject_id in enumerate(candidates)}
        self.last = -1
        self.tables: dict[tuple[str, str, int, int], dict[str, int]] = {}

    def touch_point(self, read: _Read, rule: Rule) -> TouchPoint:
        uid, plan_id, rule_id, occurrence, term = (
            read.uid,
            read.plan_id,
            read.rule_id,
            read.occurrence,
            read.term,
        )
        candidates = self.candidates
        for guess in (self.last, self.last + 1):
            if 0 <= guess < len(candidates) and uid == touch_point_id(
                plan_id, candidates[guess], rule_id, occurrence, term=term
            ):
                break
        else:
            key = (plan_id, rule_id, occurrence, term)
            table = self.tables.get(key)
            if table is None:
                table = self.tables[key] = {}
                for n, subject_id in enumerate(candidates):
                    table.setdefault(
                        touch_point_id(plan_id, subject_id, rule_id, occurrence, term=term), n
                    )
            found = table.get(uid)
            if found is None:
                raise CalendarReadError(
                    f"the touch point with UID {uid} (plan {plan_id!r}, rule {rule_id!r}, "
                    f"occurrence {occurrence}) belongs to none of the {len(candidates)} "
                    "subject ids given; pass the ids of every subject the feed was made for"
                )
            guess = found
        self.last = guess
        return TouchPoint(
            plan_id,
            rule_id,
            candidates[guess],
            occurrence,
            read.due,
            rule,
            read.adjustments,
            read.done_on,
            term,
        )


MAX_FEED_BYTES: Final = 256 * 1024 * 1024
"""The largest feed :func:`from_ical` reads: 256 MiB (about three million events)."""

# The properties the reader reads: each may be given once.
_READ: Final = frozenset(
    {
        "UID",
        "STATUS",
        "DTSTART",
        "DUE",
        "X-TOUCHPOINTS-PLAN",
        "X-TOUCHPOINTS-RULE",
        "X-TOUCHPOINTS-RULE-JSON",
        "X-TOUCHPOINTS-RULE-DIGEST",
        "X-TOUCHPOINTS-OCCURRENCE",
        "X-TOUCHPOINTS-TERM",
        "X-TOUCHPOINTS-DONE",
        "X-TOUCHPOINTS-ADJUSTMENTS",
        "X-TOUCHPOINTS-TIMEZONE",
    }
)
_DATE: Final = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATE_TIME: Final = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)")


def _properties(lines: list[Line]) -> dict[str, Line]:
    found: dict[str, Line] = {}
    for line in lines:
        if line.name in _READ:
            if line.name in found:
                uid = found["UID"].value if "UID" in found else "?"
                raise CalendarReadError(
                    f"the touch point with UID {unescape(uid)} has {line.name} twice"
                )
            found[line.name] = line
    return found


def _raw(properties: dict[str, Line], name: str, uid: str) -> str:
    line = properties.get(name)
    if line is None:
        raise CalendarReadError(f"the touch point with UID {uid} has no {name} property")
    return unescape(line.value)


class _Read(NamedTuple):
    uid: str
    plan_id: str
    rule_id: str
    occurrence: int
    due: date
    rule: Rule | str  # the rule, or the digest of one another event carries
    adjustments: tuple[Adjustment, ...]
    done_on: date | None
    term: int


def _read_number(properties: dict[str, Line], name: str, uid: str) -> int:
    text = _raw(properties, name, uid)
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise CalendarReadError(
            f"the touch point with UID {uid} has {name} {text!r}, which is not a whole "
            "number of 1 or more"
        )
    return number


def _read_done(properties: dict[str, Line], uid: str) -> date | None:
    if "X-TOUCHPOINTS-DONE" not in properties:
        return None
    text = _raw(properties, "X-TOUCHPOINTS-DONE", uid)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CalendarReadError(
            f"the touch point with UID {uid} has a completion date {text!r} that is not "
            "a date like 2026-05-02"
        ) from None


def _read_adjustments(properties: dict[str, Line], uid: str) -> tuple[Adjustment, ...]:
    if "X-TOUCHPOINTS-ADJUSTMENTS" not in properties:
        return ()
    text = _raw(properties, "X-TOUCHPOINTS-ADJUSTMENTS", uid)
    try:
        return tuple(_adjustment(*row) for row in json.loads(text))
    except (ValueError, TypeError, RecursionError) as error:
        raise CalendarReadError(
            f"the touch point with UID {uid} has damaged adjustments "
            f"({type(error).__name__}: {str(error)[:200]})"
        ) from None


def _adjustment(before: str, after: str, reason: object, kind: object = None) -> Adjustment:
    """One row of ``X-TOUCHPOINTS-ADJUSTMENTS``: before, after, reason and kind (a feed
    written before adjustments had a kind has no kind: it follows from the words)."""
    words = str(reason)
    if kind is None:
        kind = kind_from_words(words)
    if kind not in ADJUSTMENT_KINDS:
        raise ValueError(f"{kind!r} is not a kind of adjustment")
    return Adjustment(
        date.fromisoformat(before),
        date.fromisoformat(after),
        words,
        kind=kind,
    )


def _read_component(
    kind: str, properties: dict[str, Line], rules: dict[str, Rule], by_digest: dict[str, Rule]
) -> _Read:
    uid = unescape(properties["UID"].value) if "UID" in properties else ""
    plan_id = _raw(properties, "X-TOUCHPOINTS-PLAN", uid)
    rule_id = _raw(properties, "X-TOUCHPOINTS-RULE", uid)
    occurrence = _read_number(properties, "X-TOUCHPOINTS-OCCURRENCE", uid)
    rule: Rule | str
    written = properties.get("X-TOUCHPOINTS-RULE-JSON")
    if written is None:
        if "X-TOUCHPOINTS-RULE-DIGEST" not in properties:
            _raw(properties, "X-TOUCHPOINTS-RULE-JSON", uid)  # raises: no rule at all
        rule = _raw(properties, "X-TOUCHPOINTS-RULE-DIGEST", uid).strip()
    else:
        rule = rules.get(written.value) or _parse_rule(uid, written, rules, by_digest)
        if rule.id != rule_id:
            raise CalendarReadError(
                f"the touch point with UID {uid} names rule {rule_id!r} but carries rule "
                f"{rule.id!r}"
            )
    return _Read(
        uid,
        plan_id,
        rule_id,
        occurrence,
        _read_due(kind, properties, uid),
        rule,
        _read_adjustments(properties, uid),
        _read_done(properties, uid),
        _read_number(properties, "X-TOUCHPOINTS-TERM", uid)
        if "X-TOUCHPOINTS-TERM" in properties
        else 1,
    )


def _parse_rule(
    uid: str, written: Line, rules: dict[str, Rule], by_digest: dict[str, Rule]
) -> Rule:
    text = unescape(written.value)
    try:
        rule = Rule.model_validate_json(text)
    except PlanError as error:
        count = len(error.problems) + error.omitted
        raise CalendarReadError(
            f"the touch point with UID {uid} carries a rule that is not valid "
            f"({count} problem(s), first: {error.problems[0]})"
        ) from None
    rules[written.value] = by_digest[rule_digest(text)] = rule
    return rule


def _carried(uid: str, rule_id: str, digest: str, by_digest: dict[str, Rule]) -> Rule:
    rule = by_digest.get(digest)
    if rule is None:
        raise CalendarReadError(
            f"the touch point with UID {uid} refers to rule {digest!r}, which no event of "
            "the feed carries; read the whole feed, not a part of it"
        )
    if rule.id != rule_id:
        raise CalendarReadError(
            f"the touch point with UID {uid} names rule {rule_id!r} but refers to rule {rule.id!r}"
        )
    return rule


def _read_due(kind: str, properties: dict[str, Line], uid: str) -> date:
    name = "DTSTART" if kind == "VEVENT" else "DUE"
    line = properties.get(name)
    if line is None:
        raise CalendarReadError(f"the touch point with UID {uid} has no {name}")
    value = line.value.strip()
    unusable = CalendarReadError(
        f"the touch point with UID {uid} has {name} {value[:40]!r}, which is not a date "
        "like 20260115 or a time like 20260115T100000"
    )
    try:
        if line.params.get("VALUE", "").upper() == "DATE" or _DATE.fullmatch(value):
            day = _DATE.fullmatch(value)
            if day is None:
                raise unusable
            return date(*(int(part) for part in day.groups()))
        moment = _DATE_TIME.fullmatch(value)
        if moment is None:
            raise unusable
        year, month, day_, hour, minute, second, utc = moment.groups()
        naive = datetime(int(year), int(month), int(day_), int(hour), int(minute), int(second))
    except ValueError:
        raise unusable from None
    note = properties.get("X-TOUCHPOINTS-TIMEZONE")
    tzid = line.params.get("TZID")
    key = "UTC"
    if note is not None:
        key = unescape(note.value)
    elif tzid is not None:
        key = tzid
    try:
        zone = zone_for(key)
    except ValueError as error:
        raise CalendarReadError(f"the touch point with UID {uid}: {error}") from None
    if utc:
        try:
            return naive.replace(tzinfo=UTC).astimezone(zone)
        except OverflowError:
            raise unusable from None
    if tzid is None or note is not None:
        raise CalendarReadError(f"the touch point with UID {uid} has a floating {name}")
    return naive.replace(tzinfo=zone)
