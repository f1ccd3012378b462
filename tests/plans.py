"""Plans that tests in several folders share, as data."""

from __future__ import annotations

from typing import Any

# The after-sales plan of the README.
AFTER_SALES: dict[str, Any] = {
    "plan": "after-sales-standard",
    "version": 3,
    "name": "After-sales standard plan",
    "timezone": "Europe/Berlin",
    "contact_time": "10:00",
    "anchors": {"renewal": "purchase + 3 years"},
    "touchpoints": [
        {
            "id": "check-up",
            "title": "Two-week check-up call",
            "channel": "call",
            "at": "purchase + 2 weeks",
        },
        {
            "id": "service",
            "title": "Preventive service visit",
            "channel": "visit",
            "every": "90 days",
            "starting": "purchase + 90 days",
            "until": "renewal",
        },
        {
            "id": "renewal-reminder",
            "title": "Renewal is coming up",
            "channel": "email",
            "at": "renewal - 60 days",
        },
        {"id": "renewal", "title": "Renewal meeting", "channel": "meeting", "at": "renewal"},
    ],
}
