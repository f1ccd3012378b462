"""Sphinx configuration for the touchpoints documentation.

Build it with ``sphinx-build -W --keep-going -b html docs docs/_build/html``
(``python3 dev.py test`` does, with warnings as errors).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

project = "touchpoints"
author = "The touchpoints developers"
copyright = "the touchpoints developers"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "touchpoints_docs",
    "touchpoints_pictures",
]

source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "_ext", "conftest.py"]
root_doc = "index"

# Every cross-reference must resolve. The build runs offline, so references into
# the standard library and third-party packages (which intersphinx would link) are
# accepted unresolved; references to touchpoints' own names are checked.
nitpicky = True
nitpick_ignore_regex = [
    (
        r"py:.*",
        r"(datetime|dataclasses|collections\.abc|fractions|typing|typing_extensions|zoneinfo|uuid|argparse|io|os"
        r"|pydantic|pydantic_core|annotated_types|dateutil|hypothesis|icalendar|caldav"
        r"|requests|niquests|httpx)(\..*)?",
    ),
    (
        r"py:class",
        r"(date|datetime|time|timedelta|ZoneInfo|relativedelta|BaseModel|AuthBase|TextIO"
        r"|BinaryIO|SearchStrategy)",
    ),
    # Internal protocol in a public signature: any object with write(bytes).
    (r"py:class", r"touchpoints\._ical\.(writer\.)?BinaryWriter"),
]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented_params"
autodoc_default_options = {
    "members": True,
    "exclude-members": "model_config, model_fields, model_computed_fields",
}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_attr_annotations = True

html_theme = "furo"
html_title = "touchpoints"
