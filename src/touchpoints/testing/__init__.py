"""Hypothesis strategies for property-testing plans, subjects and schedules.

Host applications use these to check their own plans and the code around
:func:`touchpoints.schedule`: that every subject gets a schedule, that exports round
trip, that nothing raises. They need the optional extra::

    pip install "touchpoints[testing]"

The strategies follow Hypothesis's own conventions: plural names, keyword-only
options, bounds called ``min_value`` and ``max_value``, a clear
:class:`hypothesis.errors.InvalidArgument` for bad arguments, and, with the default
arguments, any valid value can come out. They are built from Hypothesis's public
strategies, so failing examples shrink to small, readable ones.

The examples here pass their settings explicitly (derandomized, no example
database, no deadline), so that they draw the same values under any settings
profile and on any machine; a test suite usually sets these in a profile.

>>> from hypothesis import HealthCheck, given, settings
>>> from hypothesis.strategies import data
>>> from touchpoints import schedule
>>> steady = settings(max_examples=25, derandomize=True, database=None, deadline=None,
...                   suppress_health_check=[HealthCheck.too_slow])
>>> @steady
... @given(plans(), data())
... def test_every_subject_gets_a_sorted_schedule(plan, data):
...     subject = data.draw(subjects(plan))
...     dues = [tp.due for tp in schedule(plan, subject)]
...     assert dues == sorted(dues)
>>> test_every_subject_gets_a_sorted_schedule()
"""

from __future__ import annotations

try:
    import hypothesis as _hypothesis  # noqa: F401 - only to say what to install
except ImportError as error:  # pragma: no cover - depends on the installation
    raise ImportError(
        "touchpoints.testing needs Hypothesis; install it with pip install 'touchpoints[testing]'"
    ) from error

from touchpoints.testing import checks
from touchpoints.testing._calendars import business_calendars
from touchpoints.testing._csv_documents import CsvDocument, subject_csv_documents
from touchpoints.testing._dates import anchor_dates, windows
from touchpoints.testing._documents import plan_documents
from touchpoints.testing._durations import durations
from touchpoints.testing._edits import Edit, plan_edits
from touchpoints.testing._machine import LifecycleMachine
from touchpoints.testing._plans import plans
from touchpoints.testing._rules import rules
from touchpoints.testing._subjects import subjects
from touchpoints.testing._zones import timezones

__all__ = [
    "CsvDocument",
    "Edit",
    "LifecycleMachine",
    "anchor_dates",
    "business_calendars",
    "checks",
    "durations",
    "plan_documents",
    "plan_edits",
    "plans",
    "rules",
    "subject_csv_documents",
    "subjects",
    "timezones",
    "windows",
]
