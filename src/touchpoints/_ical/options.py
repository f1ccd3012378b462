"""Export options: the one frozen value every export function takes, checked once.

:class:`ExportOptions` gathers what a feed is made with (the stamp, the calendar's name
and ``UID``, the component, the reminder, the description template and its attributes,
the refresh interval, and what to do with removed touch points). It is checked when it
is built, so a mistake is reported before anything is written. :func:`resolve` turns it
into the values the writers use.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final, Literal, TypeAlias

from touchpoints._core import NAMESPACE
from touchpoints._errors import ExportError
from touchpoints._ical.templates import AttributeLookup, Template

__all__ = [
    "DEFAULT_NAME",
    "DEFAULT_REFRESH",
    "PRODID",
    "Attributes",
    "ComponentName",
    "ExportOptions",
    "Resolved",
    "resolve",
    "utc",
]

PRODID: Final = "-//touchpoints//touchpoints 0.1//EN"
"""The ``PRODID`` of every feed: product and major.minor version, nothing that changes
between runs."""

ComponentName: TypeAlias = Literal["VEVENT", "VTODO"]
Attributes: TypeAlias = (
    Mapping[str, Mapping[str, object]] | Callable[[str], Mapping[str, object] | None]
)
"""Subject attributes for description templates: a mapping from subject id to that
subject's attributes, or a function that returns them for a subject id (or None)."""

DEFAULT_NAME: Final = "Touch points"
DEFAULT_REFRESH: Final = timedelta(hours=12)

_CALENDAR_NAMESPACE: Final = uuid.uuid5(NAMESPACE, "calendar")


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """How to export touch points: built once, passed as ``options=`` to every export.

    :func:`~touchpoints.to_ical`, :func:`~touchpoints.write_ical`,
    :func:`~touchpoints.update_ical`, :func:`~touchpoints.to_ical_by_owner`,
    :func:`~touchpoints.to_icalendar` and :func:`~touchpoints.sync_caldav` all take it.
    Use :func:`dataclasses.replace` for a variant.

    Attributes:
        stamp: the export time, written as ``DTSTAMP``: timezone-aware, never read
            from the clock.
        name: the calendar's name (``NAME`` and ``X-WR-CALNAME``); ``"Touch points"``
            by default.
        calendar_uid: the calendar's ``UID``; by default derived from ``name``.
        component: ``"VEVENT"`` for calendars, ``"VTODO"`` for task clients.
        alarm: add a display reminder this long after the start (negative for
            before), such as ``timedelta(minutes=-15)``; off by default.
        description_template: render ``DESCRIPTION`` from a template such as
            ``"Call {name} about {title}"``; fields are the subject's attributes and
            the touch point's ``title``, ``channel``, ``description``, ``owner``,
            ``priority``, ``occurrence``, ``due``, ``plan`` and ``rule`` (an attribute
            of the same name wins). Only plain ``{field}`` names are allowed.
        summary_template: render ``SUMMARY`` (the event's title) the same way, such as
            ``"{title}: {name}"``; by default it is the rule's title.
        attributes: the subjects' attributes for the template, by subject id.
        refresh: how often subscribers should refresh (``REFRESH-INTERVAL``).
        removed: what an export with a state does with touch points in the state that
            are gone: ``"drop"`` them, or keep them as ``STATUS:CANCELLED``
            (``"cancel"``).

    Raises:
        ExportError: an option is invalid.
        TemplateError: the description or summary template is malformed.

    >>> from datetime import datetime, timedelta, UTC
    >>> options = ExportOptions(stamp=datetime(2026, 1, 1, tzinfo=UTC), name="Calls",
    ...                         alarm=timedelta(minutes=-15))
    >>> options.component, options.removed
    ('VEVENT', 'drop')
    >>> ExportOptions(stamp=datetime(2026, 1, 1))
    Traceback (most recent call last):
    ...
    touchpoints.ExportError: stamp must be a timezone-aware datetime, ...
    """

    stamp: datetime
    name: str | None = None
    calendar_uid: str | None = None
    component: ComponentName = "VEVENT"
    alarm: timedelta | None = None
    description_template: str | None = None
    summary_template: str | None = None
    # Customer data: kept out of the repr, and so out of logs and messages.
    attributes: Attributes | None = field(default=None, repr=False)
    refresh: timedelta = DEFAULT_REFRESH
    removed: Literal["drop", "cancel"] = "drop"

    def __post_init__(self) -> None:
        resolve(self)


@dataclass(frozen=True, slots=True)
class Resolved:
    """The options as the writers use them: defaults filled in, the stamp in UTC, the
    template parsed and the attributes as a lookup function."""

    stamp: datetime
    name: str
    calendar_uid: str
    component: ComponentName
    alarm: timedelta | None
    template: Template | None
    summary: Template | None
    attributes: AttributeLookup | None
    refresh: timedelta
    removed: Literal["drop", "cancel"]


def resolve(options: ExportOptions) -> Resolved:
    """Check the options and fill in their defaults.

    Raises:
        ExportError: an option is invalid.
        TemplateError: the description template is malformed.
    """
    stamp = options.stamp
    if not isinstance(stamp, datetime) or stamp.utcoffset() is None:
        raise ExportError(
            f"stamp must be a timezone-aware datetime, such as "
            f"datetime(2026, 1, 1, tzinfo=UTC), not {stamp!r}"
        )
    component = options.component
    if component not in ("VEVENT", "VTODO"):
        raise ExportError(f"component must be 'VEVENT' or 'VTODO', not {component!r}")
    removed = options.removed
    if removed not in ("drop", "cancel"):
        raise ExportError(f"removed must be 'drop' or 'cancel', not {removed!r}")
    alarm = options.alarm
    if alarm is not None and not isinstance(alarm, timedelta):
        raise ExportError(
            f"alarm must be a timedelta such as timedelta(minutes=-15), not {alarm!r}"
        )
    refresh = options.refresh
    if not isinstance(refresh, timedelta) or refresh <= timedelta(0):
        raise ExportError(f"refresh must be a positive timedelta, not {refresh!r}")
    name = DEFAULT_NAME if options.name is None else options.name
    if not isinstance(name, str) or not name.strip():
        raise ExportError(f"the calendar name must be a non-empty text, not {name!r}")
    attributes = options.attributes
    lookup: AttributeLookup | None
    if attributes is None:
        lookup = None
    elif callable(attributes):
        lookup = attributes
    else:
        lookup = attributes.get
    template = options.description_template
    return Resolved(
        stamp=utc(stamp),
        name=name,
        calendar_uid=options.calendar_uid or str(uuid.uuid5(_CALENDAR_NAMESPACE, name)),
        component=component,
        alarm=alarm,
        template=None if template is None else Template(template),
        summary=None if options.summary_template is None else Template(options.summary_template),
        attributes=lookup,
        refresh=refresh,
        removed=removed,
    )


def utc(moment: datetime) -> datetime:
    """The moment in UTC, to the second."""
    return moment.astimezone(UTC).replace(microsecond=0)
