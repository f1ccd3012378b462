"""Shared test configuration: Hypothesis profiles.

- ``ci``: derandomized, so every CI run checks the same examples; enough of them to
  matter. It reads and writes no example database (``database=None``), so a
  database left on the machine by earlier runs never changes what it checks.
- ``dev`` (the default): random, quick; replays failures saved in ``.hypothesis/``.
- ``deep``: many examples, for a local soak: ``HYPOTHESIS_PROFILE=deep python3 dev.py test``.

``HYPOTHESIS_PROFILE`` chooses one; without it, ``ci`` when ``CI`` is set (as
``python3 dev.py test`` does) and ``dev`` otherwise. Every profile builds on
Hypothesis's own defaults, not on whatever profile was active when this file ran.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_BASE = settings.get_profile("default")

settings.register_profile(
    "ci",
    _BASE,
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", _BASE, max_examples=100, deadline=None)
settings.register_profile(
    "deep", _BASE, max_examples=5_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)
