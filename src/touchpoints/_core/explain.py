"""Plans in plain words: what each rule does, for people who review plan files.

Pure functions from a validated plan to text; the ``touchpoints explain`` command
prints what they return.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

from touchpoints._core.arguments import require
from touchpoints._model import (
    WEEKDAY_CODES,
    WEEKDAY_NAMES,
    WEEKDAYS,
    AnchorExpression,
    AttributeTest,
    BusinessCalendar,
    Duration,
    Fatigue,
    Meter,
    Plan,
    Rule,
    Usage,
    reading_text,
)

__all__ = ["explain_plan", "explain_rule", "one_line"]

_FREQUENCY_UNITS: Final = {"YEARLY": "year", "MONTHLY": "month", "WEEKLY": "week", "DAILY": "day"}
_WEEKDAYS: Final = dict(zip(WEEKDAY_CODES, WEEKDAY_NAMES, strict=True))
_ORDINALS: Final = {
    1: "first",
    2: "second",
    3: "third",
    4: "fourth",
    5: "fifth",
    -1: "last",
    -2: "second-to-last",
}
_MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DESCRIBED_RRULE_PARTS: Final = frozenset({"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH"})


_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f]")


def one_line(text: str) -> str:
    r"""Text made safe to print as part of one line on a terminal.

    Runs of white space, line breaks included, become one space; other control
    characters (such as a terminal's escape codes) become U+FFFD.

    >>> one_line("Line one\r\n  Line two")
    'Line one Line two'
    >>> one_line("red \x1b[31m") == "red \ufffd[31m"
    True
    """
    return _CONTROL.sub("\ufffd", " ".join(text.split()))


def _anchor_words(name: str) -> str:
    return name.replace("_", " ")


def _expression_words(expression: AnchorExpression) -> str:
    """``purchase + 2 weeks`` as "2 weeks after purchase"; a bare anchor as "the renewal"."""
    anchor = _anchor_words(expression.anchor)
    if expression.offset.is_zero:
        return f"the {anchor}"
    direction = "before" if expression.sign < 0 else "after"
    return f"{expression.offset} {direction} {anchor}"


def _every_words(step: Duration) -> str:
    text = str(step)
    if text.startswith("1 ") and " " not in text[2:]:
        return f"every {text[2:]}"  # "every month" rather than "every 1 month"
    return f"every {text}"


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _ordinal(number: int) -> str | None:
    if number in _ORDINALS:
        return _ORDINALS[number]
    if number > 0:
        suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10)
        return f"{number}{suffix or 'th'}"
    return None


def _weekday_words(text: str) -> str | None:
    day = _WEEKDAYS.get(text[-2:])
    number = text[:-2]
    if day is None:
        return None
    if not number:
        return day
    try:
        ordinal = _ordinal(int(number))
    except ValueError:
        return None
    return f"the {ordinal} {day}" if ordinal else None


def _month_day_words(text: str) -> str | None:
    try:
        number = int(text)
    except ValueError:
        return None
    if number == -1:
        return "the last day"
    ordinal = _ordinal(number)
    return f"the {ordinal} day" if ordinal and number > 0 else None


def _rrule_words(text: str) -> str:
    """An RRULE in words when it uses only common parts, else the rule itself."""
    fallback = f"by the calendar rule {text}"
    parts: dict[str, str] = {}
    for part in text.upper().split(";"):
        key, sep, value = part.strip().partition("=")
        if not key:
            continue
        if not sep or key not in _DESCRIBED_RRULE_PARTS or key in parts:
            return fallback
        parts[key] = value.strip()
    unit = _FREQUENCY_UNITS.get(parts.get("FREQ", ""))
    try:
        interval = int(parts.get("INTERVAL", "1"))
    except ValueError:
        return fallback
    if unit is None or interval < 1:
        return fallback
    words = f"every {unit}" if interval == 1 else f"every {interval} {unit}s"
    if "BYMONTH" in parts:
        try:
            months = [_MONTHS[int(m) - 1] for m in parts["BYMONTH"].split(",")]
        except (ValueError, IndexError):
            return fallback
        words += f" in {_join(months)}"
    for key, describe in (("BYMONTHDAY", _month_day_words), ("BYDAY", _weekday_words)):
        if key in parts:
            days = [describe(item.strip()) for item in parts[key].split(",")]
            if any(day is None for day in days):
                return fallback
            words += f" on {_join([day for day in days if day is not None])}"
    return words


_ROLL_WORDS: Final = {
    "following": "move to the next open day",
    "preceding": "move to the previous open day",
    "modified_following": "move to the next open day in the same month, else the previous one",
    "modified_preceding": "move to the previous open day in the same month, else the next one",
    "nearest": "move to the nearest open day",
    "keep": "stay where they are",
}


def _days_words(days: Sequence[str]) -> str:
    return ", ".join(day.capitalize() for day in days)


def _calendar_words(calendar: BusinessCalendar) -> str:
    """A business calendar's settings in words; unset ones are left out."""
    parts = []
    if calendar.workdays is not None:
        parts.append(f"open {_days_words(calendar.workdays)}")
    if calendar.holidays is not None:
        parts.append(f"closed on public holidays in {calendar.holidays}")
    if calendar.closed:
        count = len(calendar.closed)
        parts.append(f"{count} more closed date{'s' if count != 1 else ''}")
    if calendar.roll is not None:
        parts.append(f"touch points on closed days {_ROLL_WORDS[calendar.roll]}")
    return "; ".join(parts) or "the plan's settings"


def _value_words(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "empty" if value is None else str(value)


def _list_words(values: Sequence[object]) -> str:
    return ", ".join(_value_words(value) for value in values)


def _condition_words(name: str, test: object) -> str:
    """One attribute condition in words, such as "segment is premium"."""
    if isinstance(test, AttributeTest):
        given = test.model_fields_set
        parts = []
        if "in_" in given:
            parts.append(f"is one of {_list_words(test.in_ or ())}")
        if "not_in" in given:
            parts.append(f"is none of {_list_words(test.not_in or ())}")
        if "not_" in given:
            parts.append(f"is not {_value_words(test.not_)}")
        if test.min is not None and test.max is not None:
            parts.append(f"is between {test.min:g} and {test.max:g}")
        elif test.min is not None:
            parts.append(f"is at least {test.min:g}")
        elif test.max is not None:
            parts.append(f"is at most {test.max:g}")
        if "exists" in given:
            parts.append("is set" if test.exists else "is not set")
        return f"{name} {' and '.join(parts)}"
    if isinstance(test, tuple | list):
        return f"{name} is one of {_list_words(test)}"
    return f"{name} is {_value_words(test)}"


_MISSED_WORDS: Final = {
    "catch_up": "kept as overdue",
    "skip": "skipped",
    "collapse": "collapsed into one",
}


def _fatigue_words(fatigue: Fatigue) -> list[str]:
    """Contact fatigue settings in words, one item per setting."""
    words = []
    if fatigue.spacing is not None:
        words.append(f"at least {fatigue.spacing} between any two touch points")
    words.extend(
        f"at least {days} between two {channel} touch points"
        for channel, days in fatigue.channels.items()
    )
    for cap in fatigue.caps:
        noun = "touch point" if cap.max == 1 else "touch points"
        what = f"{cap.channel} {noun}" if cap.channel else noun
        words.append(f"at most {cap.max} {what} in any {cap.per}")
    if words:
        how = "merge when they share a channel, else move" if fatigue.merge else "move"
        words.append(f"touch points too close {how}, by at most {fatigue.max_shift}")
    return words


def _usage_words(usage: Usage, meters: Mapping[str, Meter] | None) -> str:
    """A usage limit in words, such as "each 15,000 km on the odometer"."""
    meter = (meters or {}).get(usage.meter)
    number = reading_text(usage.every)
    unit = f" {meter.unit}" if meter is not None else ""
    return f"each {number}{unit} on the {_anchor_words(usage.meter)}"


def _meter_words(name: str, meter: Meter) -> str:
    """How a meter is projected, in words."""
    words = (
        f"{_anchor_words(name)} ({meter.unit}): projected at its use per day over the "
        f"{meter.rate_over} before its latest reading; {meter.expected} with fewer than "
        "two readings in that span"
    )
    if meter.starts is not None:
        words += f", from 0 {meter.unit} on the {_anchor_words(meter.starts)} without any"
    return words


def explain_rule(rule: Rule, *, meters: Mapping[str, Meter] | None = None) -> str:
    """One rule in plain words: its title, then when it happens.

    Args:
        rule: the rule to describe.
        meters: the plan's meters, for the unit of a usage limit.

    Returns:
        One line, such as ``Renewal meeting: once, on the renewal``.

    >>> rule = Rule.model_validate({
    ...     "id": "service", "title": "Preventive service visit", "channel": "visit",
    ...     "every": "90 days", "starting": "purchase + 90 days", "until": "renewal"})
    >>> print(explain_rule(rule))
    Preventive service visit: every 90 days from 90 days after purchase until the renewal (inclusive)
    >>> print(explain_rule(Rule(id="q", title="Health check", channel="call",
    ...                         rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO",
    ...                         starting="start + 3 days", count=8, optional=True)))
    Health check: every 3 months on the first Monday from 3 days after start, at most 8 times (optional: left out for subjects without a start date)
    >>> print(explain_rule(Rule.model_validate({
    ...     "id": "service", "title": "Service", "channel": "visit", "every": "1 year",
    ...     "starting": "delivery + 1 year", "usage": {"meter": "odometer", "every": 15000}}),
    ...     meters={"odometer": Meter(unit="km", expected="1250 per month")}))
    Service: every year from 1 year after delivery, or each 15,000 km on the odometer if that comes first, with no end
    """  # noqa: E501 - doctest output is one line
    require(rule, Rule, "rule")
    if rule.usage is not None and rule.every is None:
        timing = f"{_usage_words(rule.usage, meters)}, on the day its readings project"
        if rule.until is not None:
            timing += f", until {_expression_words(rule.until)} (inclusive)"
        if rule.count is not None:
            times = "once" if rule.count == 1 else f"{rule.count} times"
            timing += f", at most {times}"
    elif rule.at is not None:
        timing = f"once, on {_expression_words(rule.at)}"
        if not rule.at.offset.is_zero:
            timing = f"once, {_expression_words(rule.at)}"
    else:
        assert rule.starting is not None
        if rule.every is not None:
            timing = _every_words(rule.every)
        else:
            assert rule.rrule is not None
            timing = _rrule_words(rule.rrule)
        timing += f" from {_expression_words(rule.starting)}"
        if rule.usage is not None:
            timing += f", or {_usage_words(rule.usage, meters)} if that comes first"
        if rule.until is not None:
            timing += "," if rule.usage is not None else ""
            timing += f" until {_expression_words(rule.until)} (inclusive)"
        if rule.count is not None:
            times = "once" if rule.count == 1 else f"{rule.count} times"
            timing += f", at most {times}"
        if rule.until is None and rule.count is None:
            timing += ", with no end"
        if rule.after == "completion":
            timing += "; each one counted from when the previous one was completed"
    if rule.contact_time is not None:
        timing += f", at {rule.contact_time.isoformat(timespec='minutes')}"
    if rule.business_calendar is not None:
        timing += f" (business days: {_calendar_words(rule.business_calendar)})"
    if rule.missed is not None:
        timing += f"; missed ones {_MISSED_WORDS[rule.missed]}"
    if rule.when:
        conditions = " and whose ".join(_condition_words(k, v) for k, v in rule.when.items())
        timing += f", only for subjects whose {one_line(conditions)}"
    text = f"{one_line(rule.title)}: {timing}"
    if rule.optional:
        missing = " or ".join(_anchor_words(name) for name in rule.anchors())
        text += f" (optional: left out for subjects without a {missing} date)"
    return text


def explain_plan(plan: Plan) -> str:
    """A plan in plain words: its anchors, its contact time and zone, one line per rule.

    Args:
        plan: the plan to describe.

    Returns:
        Several lines of text, without a trailing line break.

    >>> plan = Plan.model_validate({
    ...     "plan": "after-sales", "name": "After-sales plan", "timezone": "Europe/Berlin",
    ...     "contact_time": "10:00", "anchors": {"renewal": "purchase + 3 years"},
    ...     "touchpoints": [
    ...         {"id": "check-up", "title": "Check-up call", "channel": "call",
    ...          "at": "purchase + 2 weeks"},
    ...         {"id": "renewal", "title": "Renewal meeting", "channel": "meeting",
    ...          "at": "renewal"}]})
    >>> print(explain_plan(plan))
    After-sales plan (after-sales, version 1)
    Subjects give: purchase
    Derived anchors:
      renewal: 3 years after purchase
    Contact time: 10:00 local time in the subject's zone (Europe/Berlin for subjects without one)
    Without a window: touch points up to 5 years after the subject's earliest anchor
    Touch points:
      check-up [call] Check-up call: once, 2 weeks after purchase
      renewal [meeting] Renewal meeting: once, on the renewal
    """
    require(plan, Plan, "plan")
    title = f"{plan.id} (version {plan.version})"
    if plan.name is not None:
        title = f"{one_line(plan.name)} ({plan.id}, version {plan.version})"
    lines = [title]
    if plan.description:
        lines.append(one_line(plan.description))
    lines.append(f"Subjects give: {', '.join(plan.subject_anchors())}")
    if plan.anchors:
        lines.append("Derived anchors:")
        lines.extend(
            f"  {name}: {_derived_words(expression)}" for name, expression in plan.anchors.items()
        )
    if plan.contact_time is None:
        lines.append("Contact time: none; every touch point is all-day, a date without a time")
    else:
        when = plan.contact_time.isoformat(timespec="minutes")
        zone = (
            f"({plan.timezone} for subjects without one)"
            if plan.timezone
            else "(every subject needs a time zone)"
        )
        lines.append(f"Contact time: {when} local time in the subject's zone {zone}")
    if plan.term is not None:
        term = f"Terms: the plan starts again at each renewal, from the {plan.term.starts}"
        if plan.term.length is not None:
            term += f"; a term lasts at most {plan.term.length}"
        lines.append(term)
    if plan.stop:
        stops = " or ".join(_anchor_words(name) for name in plan.stop)
        lines.append(f"Stops: nothing after a subject's {stops} date")
    if plan.missed != "catch_up":
        lines.append(
            f"Missed touch points (due before the 'as of' date, no history): "
            f"{_MISSED_WORDS[plan.missed]}"
        )
    lines.extend(f"Meter {_meter_words(name, meter)}" for name, meter in plan.meters.items())
    if plan.business_calendar is not None:
        calendar = plan.business_calendar
        if calendar.workdays is None:  # say the default: weekends are closed
            calendar = calendar.model_copy(update={"workdays": WEEKDAYS[:5]})
        lines.append(f"Business days: {_calendar_words(calendar)}")
        assert calendar.workdays is not None
        closed = [day for day in WEEKDAYS if day not in calendar.workdays]
        if closed:
            lines.append(f"Closed every week: {_days_words(closed)}")
    if plan.fatigue is not None and (words := _fatigue_words(plan.fatigue)):
        lines.append(f"Contact fatigue: {'; '.join(words)}")
    for channel, window in plan.channels.items():
        window_words: list[str] = []
        if window.contact_time is not None:
            window_words.append(f"at {window.contact_time.isoformat(timespec='minutes')}")
        if window.weekdays is not None:
            window_words.append(f"on {_days_words(window.weekdays)}")
        lines.append(f"Channel {channel}: {' '.join(window_words) or 'no limits'}")
    lines.append(
        f"Without a window: touch points up to {plan.horizon} after the subject's earliest anchor"
    )
    lines.append("Touch points:")
    lines.extend(
        f"  {rule.id} [{rule.channel}] {explain_rule(rule, meters=plan.meters)}"
        for rule in plan.rules
    )
    return "\n".join(lines)


def _derived_words(expression: AnchorExpression) -> str:
    if expression.offset.is_zero:
        return f"the same date as {_anchor_words(expression.anchor)}"
    return _expression_words(expression)
