"""Shared test configuration: Hypothesis profiles.

- ``ci``: derandomized, so every CI run checks the same examples; enough of them to
  matter.
- ``dev`` (the default): random, quick.
- ``deep``: many examples, for a local soak: ``HYPOTHESIS_PROFILE=deep python3 dev.py test``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=300,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "deep", max_examples=5_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
