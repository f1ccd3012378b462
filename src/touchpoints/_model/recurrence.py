"""The RRULE subset: which RFC 5545 recurrence rules a plan may hold, and their series.

A rule's ``rrule`` is the value of an RFC 5545 RRULE (section 3.3.10) without
``DTSTART``, ``UNTIL``, ``COUNT`` and the time-of-day parts, at ``FREQ=DAILY`` or
slower. Every part is checked against the RFC's table of which ``BY`` parts each
frequency takes; parts dateutil adds to the RFC (``BYEASTER``, ``BYWEEKDAY``) are
refused. A rule that can never happen, from any start, is refused too, so that no
search looks for it until the year 9999.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Final

from dateutil.rrule import rrule as RecurrenceRule
from dateutil.rrule import rruleset, rrulestr
from pydantic_core import PydanticCustomError

from touchpoints._model.base import model_error

__all__ = ["check_rrule", "recurrence"]

FREQUENCIES: Final = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
_FORBIDDEN: Final = {
    "DTSTART": "the series starts at 'starting'",
    "UNTIL": "use the rule's 'until' key instead",
    "COUNT": "use the rule's 'count' key instead",
    "BYHOUR": "the time of day comes from the plan's 'contact_time'",
    "BYMINUTE": "the time of day comes from the plan's 'contact_time'",
    "BYSECOND": "the time of day comes from the plan's 'contact_time'",
}
# RFC 5545, section 3.3.10: the BY parts each frequency takes.
_ALLOWED: Final = {
    "YEARLY": ("BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY", "BYSETPOS"),
    "MONTHLY": ("BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS"),
    "WEEKLY": ("BYMONTH", "BYDAY", "BYSETPOS"),
    "DAILY": ("BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS"),
}
_OTHER_PARTS: Final = ("FREQ", "INTERVAL", "WKST")
# One step of at most about 1,000 years, as durations.
_MAX_INTERVAL: Final = {"YEARLY": 1_000, "MONTHLY": 12_000, "WEEKLY": 52_000, "DAILY": 366_000}
_NUMBERS: Final = {
    "BYMONTH": (1, 12, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYSETPOS": (1, 366, True),
}
_DAY: Final = re.compile(r"([+-]?)([0-9]{0,2})(MO|TU|WE|TH|FR|SA|SU)")
_EXAMPLE: Final = "an example of a valid one is 'FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO'"


def _error(message: str) -> PydanticCustomError:
    return model_error("rrule", message)


def _parts(text: str) -> dict[str, str]:
    if text.strip().upper().startswith(("RRULE:", "DTSTART", "EXDATE", "RDATE")) or any(
        ch in text for ch in "\r\n"
    ):
        raise _error("give only the rule's value, such as 'FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO'")
    values: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        key, sign, value = part.partition("=")
        key = key.strip().upper()
        if key in _FORBIDDEN:
            raise _error(f"an rrule here cannot have {key}: {_FORBIDDEN[key]}")
        if not sign:
            raise _error(f"{part.strip()!r} in {text!r} is not a NAME=VALUE part; {_EXAMPLE}")
        if key in values:
            raise _error(f"{text!r} gives {key} twice; give each part once")
        values[key] = value.strip().upper()
    return values


def check_rrule(text: str) -> None:
    """Refuse an rrule that is not in the subset, or that can never happen.

    Raises:
        PydanticCustomError: what is wrong, naming the part and what is allowed.

    >>> check_rrule("FREQ=DAILY;BYMONTHDAY=1,15")
    >>> check_rrule("FREQ=YEARLY;BYEASTER=0")
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.PydanticCustomError: BYEASTER is not an RFC 5545 rrule
    part; a YEARLY rrule takes INTERVAL, WKST, BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY,
    BYDAY and BYSETPOS
    """
    values = _parts(text)
    frequency = values.get("FREQ")
    if frequency not in FREQUENCIES:
        found = f"it has FREQ={frequency}" if frequency else "it has no FREQ"
        raise _error(
            "an rrule needs FREQ=YEARLY, MONTHLY, WEEKLY or DAILY (touch points are "
            f"never more frequent than daily in an rrule); {found}"
        )
    allowed = _ALLOWED[frequency]
    takes = ", ".join((*_OTHER_PARTS[1:], *allowed[:-1])) + f" and {allowed[-1]}"
    for key in values:
        if key in _OTHER_PARTS or key in allowed:
            continue
        known = key in _ALLOWED["YEARLY"]
        what = (
            f"a {frequency} rrule cannot have {key}"
            if known
            else (f"{key} is not an RFC 5545 rrule part")
        )
        hint = ""
        if key in ("BYYEARDAY", "BYWEEKNO"):
            hint = f"; {key} needs FREQ=YEARLY"
        elif key == "BYMONTHDAY":
            hint = "; for days of the month use FREQ=DAILY, MONTHLY or YEARLY"
        raise _error(f"{what}; a {frequency} rrule takes {takes}{hint}")
    try:
        _rules(text, datetime(2000, 1, 1))
    except (ValueError, IndexError, TypeError, KeyError) as error:
        raise _error(f"{text!r} is not a valid RFC 5545 RRULE ({error}); {_EXAMPLE}") from None
    _check_values(values, frequency, text)
    if "BYSETPOS" in values and not any(k in values for k in allowed if k != "BYSETPOS"):
        raise _error("BYSETPOS picks from the dates other BY parts give; add BYDAY or BYMONTHDAY")
    days = values.get("BYDAY", "")
    if frequency in ("DAILY", "WEEKLY") and any(ch.isdigit() for ch in days):
        raise _error("BYDAY with a number (such as 1MO) needs FREQ=MONTHLY or FREQ=YEARLY")
    if frequency == "YEARLY" and "BYWEEKNO" in values and any(ch.isdigit() for ch in days):
        raise _error("BYDAY with a number (such as 1MO) cannot be used with BYWEEKNO")
    if frequency == "DAILY" and "BYDAY" in values and values.get("INTERVAL", "1") != "1":
        raise _error(
            "a DAILY rrule with an INTERVAL cannot also filter by BYDAY; for every n "
            "weeks on given weekdays use FREQ=WEEKLY;INTERVAL=n;BYDAY=..."
        )
    plain, numbered = _split_days(days)
    if plain and numbered and "BYSETPOS" in values:
        raise _error(
            "BYDAY with plain and numbered weekdays (such as MO,1TU) cannot have BYSETPOS; "
            "write two rules"
        )
    _check_happens(text, values, frequency)


def _check_values(values: dict[str, str], frequency: str, text: str) -> None:
    interval = values.get("INTERVAL", "1")
    if not interval.isascii() or not interval.isdigit() or not int(interval) >= 1:
        raise _error(f"INTERVAL must be a whole number of 1 or more, not {interval!r}")
    if int(interval) > _MAX_INTERVAL[frequency]:
        raise _error(
            f"INTERVAL={interval} is too long for a {frequency} rrule; rrules are limited "
            "to steps of about 1,000 years"
        )
    if values.get("WKST", "MO") not in ("MO", "TU", "WE", "TH", "FR", "SA", "SU"):
        raise _error(f"WKST must be a weekday such as MO, not {values['WKST']!r}")
    for key, (low, high, signed) in _NUMBERS.items():
        for item in values.get(key, "1").split(","):
            number = item[1:] if signed and item[:1] in "+-" else item
            if not (number.isascii() and number.isdigit() and low <= int(number) <= high):
                sign = "-" if signed else ""
                raise _error(
                    f"{key} takes whole numbers from {sign or ''}{low} to {high}"
                    f"{f' (or -{high} to -{low})' if signed else ''}, not {item!r}"
                )
    most = 5 if frequency == "MONTHLY" or "BYMONTH" in values else 53
    for item in filter(None, values.get("BYDAY", "").split(",")):
        match = _DAY.fullmatch(item)
        if match is None or (match.group(1) and not match.group(2)):
            raise _error(f"BYDAY takes weekdays such as MO, 1TU or -1FR, not {item!r}")
        if match.group(2) and not 1 <= int(match.group(2)) <= most:
            raise _error(
                f"{text!r} is not a valid RFC 5545 RRULE: a number in its BY parts is out of "
                "range (BYDAY takes 1MO to 5MO in a month, 1MO to 53MO in a year)"
            )


def _split_days(days: str) -> tuple[list[str], list[str]]:
    items = [item for item in days.split(",") if item]
    numbered = [item for item in items if any(ch.isdigit() for ch in item)]
    return [item for item in items if item not in numbered], numbered


def _rules(text: str, dtstart: datetime) -> list[RecurrenceRule]:
    """The dateutil rules of ``text``: one, or two where BYDAY mixes plain weekdays
    (every such day) and numbered ones (the nth such day), which RFC 5545 joins and
    dateutil would intersect."""
    values = _parts(text)
    plain, numbered = _split_days(values.get("BYDAY", ""))
    texts = [text]
    if plain and numbered:
        rest = ";".join(f"{k}={v}" for k, v in values.items() if k != "BYDAY")
        texts = [f"{rest};BYDAY={','.join(days)}" for days in (plain, numbered)]
    rules = []
    for one in texts:
        parsed = rrulestr(one, dtstart=dtstart, forceset=False, cache=False)
        assert isinstance(parsed, RecurrenceRule)
        rules.append(parsed)
    return rules


def recurrence(text: str, dtstart: datetime, until: datetime | None = None) -> Iterable[datetime]:
    """The series of a checked rrule from ``dtstart`` (its first candidate), in order,
    up to ``until`` (inclusive) if given.

    >>> rule = recurrence("FREQ=MONTHLY;BYDAY=MO,1TU", datetime(2026, 6, 1))
    >>> [d.day for d in rule][:6]  # every Monday and the first Tuesday
    [1, 2, 8, 15, 22, 29]
    """
    rules = _rules(text, dtstart)
    if until is not None:
        rules = [rule.replace(until=until) for rule in rules]
    if len(rules) == 1:
        return rules[0]
    joined = rruleset(cache=False)
    for rule in rules:
        joined.rrule(rule)
    return joined


def _check_happens(text: str, values: dict[str, str], frequency: str) -> None:
    """Refuse a rule that no start can make happen.

    Whether a rule with an INTERVAL meets its filters can depend on its start (every
    fourth month from March meets November, from January never does); a rule that
    happens from some start is accepted, and a search from any start never goes past
    the window. The check is the rule with INTERVAL=1 over 400 years, the Gregorian
    cycle: as a YEARLY rule of the same filters for DAILY and WEEKLY, so that it costs
    one step a year.
    """
    filters = {k: v for k, v in values.items() if k not in ("FREQ", "INTERVAL", "WKST")}
    if frequency in ("DAILY", "WEEKLY"):
        if "BYSETPOS" in values:
            positions = [abs(int(p)) for p in values["BYSETPOS"].split(",")]
            size = 1 if frequency == "DAILY" else len(_split_days(values.get("BYDAY", ""))[0]) or 1
            if min(positions) > size:
                raise _error(
                    f"{text!r} never happens: a {frequency} period holds at most {size} "
                    f"date{'s' if size != 1 else ''}, so BYSETPOS={values['BYSETPOS']} finds none"
                )
            del filters["BYSETPOS"]
        if frequency == "WEEKLY" or not filters:
            return  # every week has every weekday, in every month
        frequency = "YEARLY"
    probe = ";".join([f"FREQ={frequency}", *(f"{k}={v}" for k, v in filters.items())])
    try:
        first = next(iter(recurrence(probe, datetime(2000, 1, 1), datetime(2400, 1, 1))), None)
    except (ValueError, IndexError, TypeError, KeyError) as error:
        raise _error(f"{text!r} is not a valid RFC 5545 RRULE ({error}); {_EXAMPLE}") from None
    if first is None:
        raise _error(
            f"{text!r} never happens (no date matches it in 400 years); check its "
            "BYMONTH, BYMONTHDAY and BYDAY parts"
        )
