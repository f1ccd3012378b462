"""``python -m touchpoints``: the same as the ``touchpoints`` command."""

from __future__ import annotations

import sys

from touchpoints._cli import main

if __name__ == "__main__":
    sys.exit(main())
