"""The plan API: a plan file, its text or its data in, a validated
:class:`~touchpoints.Plan` out, or a :class:`~touchpoints.PlanError` listing every
problem at once.

This is the edge where untrusted files come in, so it reads defensively (see
:mod:`touchpoints._files.reading` and the readers of the three formats):

- Formats by file extension: YAML (``.yaml``/``.yml``, safe loading only), TOML
  (``.toml``) and JSON (``.json``). Files must be UTF-8; a byte-order mark is allowed.
- Limits: files larger than :data:`~touchpoints._files.reading.MAX_FILE_BYTES` and
  data nested deeper than :data:`~touchpoints._files.reading.MAX_DEPTH` are refused;
  YAML aliases may repeat at most
  :data:`~touchpoints._files.yaml_reader.MAX_ALIAS_VALUES` values; YAML tags other
  than the plain ones are refused; a key given twice in one mapping is an error.
- Positions: every problem names its field path (``touchpoints[2].every``), and the
  line and column where the file gives them.

The problems are those ``Plan.model_validate`` reports for the same data (the
model layer words them, :mod:`touchpoints._model.refusals`), each placed at its line
and column; the :class:`~touchpoints.PlanError` keeps pydantic's ``ValidationError``
as ``__cause__``.
"""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import ValidationError

from touchpoints._core import require
from touchpoints._errors import PlanError, Problem
from touchpoints._files.documents import load_document
from touchpoints._files.limits import MAX_VALUES, bounded, limit_problems
from touchpoints._files.positions import Document
from touchpoints._files.problems import sort_problems, to_problems, with_reading_problems
from touchpoints._files.reading import (
    MAX_FILE_BYTES,
    DocumentError,
    check_size,
    format_of,
    read_text,
)
from touchpoints._model import Plan, described, model_issues, validated

__all__ = ["load_plan", "parse_plan", "parse_plan_text"]

_Format = Literal["yaml", "json", "toml"]

_FORMATS: Final[Mapping[str, _Format]] = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".toml": "toml",
}


def _refuse(problems: list[Problem], source: str | None) -> PlanError:
    """The error listing ``problems`` in file order, the first :data:`MAX_PROBLEMS` of them."""
    shown, omitted = bounded(sort_problems(problems))
    return PlanError(shown, source=source, omitted=omitted)


def _validate_plan(document: Document, source: str | None) -> Plan:
    data = document.data
    if document.problems and not isinstance(data, Mapping):
        raise _refuse([problem for _, problem in document.problems], source)
    if data is None:
        raise PlanError(
            [Problem("", "the plan is empty; it needs at least 'plan' and 'touchpoints'")],
            source=source,
        )
    if not isinstance(data, Mapping):
        position = document.locate(())
        line, column = position if position is not None else (None, None)
        raise PlanError(
            [
                Problem(
                    "",
                    "a plan is a mapping of keys (plan, name, touchpoints ...), "
                    f"found {described(data)}",
                    line,
                    column,
                )
            ],
            source=source,
        )
    limits = limit_problems(document)
    if limits:
        raise _refuse(limits, source)
    try:
        plan = validated(Plan, data)
    except ValidationError as error:
        issues = model_issues(Plan, error, data)
        problems = with_reading_problems(to_problems(issues, document), document)
        raise _refuse(problems, source) from error
    if document.problems:
        raise _refuse([problem for _, problem in document.problems], source)
    return plan


def parse_plan(data: Mapping[str, Any], *, source: str | None = None) -> Plan:
    """Validate plan data (as read from a file) into a :class:`~touchpoints.Plan`.

    Args:
        data: the plan as plain data: mappings, lists, text and numbers.
        source: where the data came from, for the error message.

    Raises:
        PlanError: the data is not a valid plan; every problem is listed.

    >>> parse_plan({"plan": "p", "touchpoints": [
    ...     {"id": "a", "title": "A", "channel": "call", "evry": "1 day"}]})
    Traceback (most recent call last):
    ...
    touchpoints.PlanError: 1 problem with the plan:
      touchpoints[0].evry: unknown key 'evry'; did you mean 'every'?
    """
    return _validate_plan(Document(data), source)


def parse_plan_text(
    text: str, *, format: str, source: str | None = None, max_bytes: int = MAX_FILE_BYTES
) -> Plan:
    """Parse and validate a plan written as YAML, JSON or TOML text.

    Args:
        text: the plan file's content.
        format: ``"yaml"`` (or ``"yml"``), ``"json"`` or ``"toml"``, in any case.
        source: where the text came from, for the error message.
        max_bytes: refuse longer text (in UTF-8 bytes; 10 MB by default, as for files).

    Raises:
        PlanError: the text is not a valid plan; every problem is listed with its
            line and column (the first 50, and how many more).
        PlanError: ``format`` is not one of the three (a PlanError is a ValueError).
        TypeError: ``text`` or ``format`` is not text.

    >>> plan = parse_plan_text('''
    ... plan: welcome
    ... contact_time: 10:00
    ... touchpoints:
    ...   - {id: call, title: Welcome call, channel: call, at: purchase + 3 days}
    ... ''', format="yaml")
    >>> plan.id, str(plan.contact_time), str(plan.rules[0].at)
    ('welcome', '10:00:00', 'purchase + 3 days')
    >>> parse_plan_text('plan: welcome\\ntouchpoints:\\n  - {id: call, title: Hi, channel: call,'
    ...                 ' every: 0 days, starting: purchase}\\n', format="yaml", source="w.yaml")
    Traceback (most recent call last):
    ...
    touchpoints.PlanError: 1 problem with the plan in w.yaml:
      line 3, column 49, touchpoints[0].every: the interval must be longer than zero,
      such as '90 days'; found '0 days'
    """
    require(text, str, "text")
    require(format, str, "format")
    name = {"yml": "yaml"}.get(format.lower(), format.lower())
    if name not in ("yaml", "json", "toml"):
        message = f"format must be 'yaml', 'json' or 'toml', not {format!r}"
        raise PlanError([Problem("", message)], source=source)
    try:
        check_size(text, max_bytes=max_bytes, what="plan")
        document = load_document(text, name, max_values=MAX_VALUES)
    except DocumentError as error:
        raise PlanError(error.problems, source=source) from None
    return _validate_plan(document, source)


def load_plan(path: str | PathLike[str], *, max_bytes: int = MAX_FILE_BYTES) -> Plan:
    """Read and validate a plan file: YAML, TOML or JSON, chosen by its extension.

    Every problem in the file is reported at once, each with its field path (such as
    ``touchpoints[2].every``). YAML and JSON problems also give the 1-based line and
    column of the value (of the key, for an unknown key; of the enclosing mapping,
    for a missing key); TOML problems give them for keys written one per line under
    ``[table]`` and ``[[array]]`` headers, and otherwise the line of the enclosing
    key. JSON files over 1 MB get field paths only.

    YAML is read safely and with limits: aliases may repeat at most 100,000 values,
    tags such as ``!!python/object`` are refused, a key given twice is an error,
    keys are text, an unquoted ``10:00`` is text, and only ``true`` and ``false``
    are booleans. In every format, data may be nested at most 32 levels deep.

    Args:
        path: a ``.yaml``, ``.yml``, ``.toml`` or ``.json`` file, in UTF-8 (a
            byte-order mark is allowed).
        max_bytes: refuse larger files (10 MB by default).

    Raises:
        PlanError: the file cannot be read or is not a valid plan; every problem is
            listed with its line and column.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> (folder / "plan.toml").write_text('''
    ... plan = "welcome"
    ... [[touchpoints]]
    ... id = "call"
    ... title = "Welcome call"
    ... channel = "call"
    ... every = "0 days"
    ... starting = "purchase + 3 days"
    ... ''', encoding="utf-8") and None
    >>> load_plan(folder / "plan.toml")
    Traceback (most recent call last):
    ...
    touchpoints.PlanError: 1 problem with the plan in .../plan.toml:
      line 7, column 9, touchpoints[0].every: the interval must be longer than zero,
      such as '90 days'; found '0 days'
    """
    file = Path(path)
    source = str(path)
    try:
        format = format_of(file, _FORMATS)
        text = read_text(file, max_bytes=max_bytes, what="plan")
        document = load_document(text, format, max_values=MAX_VALUES)
    except DocumentError as error:
        raise PlanError(error.problems, source=source) from None
    return _validate_plan(document, source)
