"""Safe description templates: ``{name}`` fields filled from a touch point and its subject.

A template allows plain field names only (no attribute access, indexing, conversions or
format specs), so a template from a plan file or the command line cannot reach into
Python objects.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping

from touchpoints._core import TouchPoint
from touchpoints._errors import TemplateError

__all__ = ["AttributeLookup", "Template", "template_values"]

AttributeLookup = Callable[[str], Mapping[str, object] | None]
"""A function giving a subject's attributes for its id (or None)."""


class Template:
    """A ``{name}``-style template: fields only, no attribute access, indexing,
    conversions or format specs."""

    __slots__ = ("fields", "parts", "text")

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise TemplateError(text, f"a description template must be text, not {text!r}")
        parts: list[tuple[str, str | None]] = []
        try:
            parsed = list(string.Formatter().parse(text))
        except ValueError as error:
            raise TemplateError(
                text,
                f"the description template {text!r} is malformed ({error}); write fields "
                "as {name} and a literal brace as {{ or }}",
            ) from None
        for literal, field, spec, conversion in parsed:
            if field is not None:
                if not field.isidentifier():
                    raise TemplateError(
                        text,
                        f"the description template field {{{field}}} is not allowed: use a "
                        "plain name such as {name}, without dots, brackets or numbers",
                    )
                if spec or conversion:
                    raise TemplateError(
                        text,
                        f"the description template field {{{field}"
                        f"{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
                        " is not allowed: write a plain {name} without '!' or ':'",
                    )
            parts.append((literal, field))
        self.text = text
        self.parts = tuple(parts)
        self.fields = tuple(field for _, field in parts if field is not None)

    def render(self, values: Mapping[str, object], subject_id: str) -> str:
        out: list[str] = []
        for literal, field in self.parts:
            out.append(literal)
            if field is None:
                continue
            if field not in values:
                known = ", ".join(sorted(values)) or "none"
                raise TemplateError(
                    self.text,
                    f"the description template uses {{{field}}}, but subject "
                    f"{subject_id!r} has no attribute {field!r} and it is not a touch "
                    f"point field; the fields available are: {known}",
                    field=field,
                )
            value = values[field]
            out.append("" if value is None else str(value))
        return "".join(out)


def template_values(tp: TouchPoint, lookup: AttributeLookup | None) -> dict[str, object]:
    values: dict[str, object] = {
        "title": tp.rule.title,
        "channel": tp.rule.channel,
        "description": tp.rule.description,
        "owner": tp.rule.owner,
        "priority": tp.rule.priority,
        "occurrence": tp.occurrence,
        "due": tp.due.isoformat(),
        "plan": tp.plan_id,
        "rule": tp.rule_id,
    }
    if lookup is not None:
        attributes = lookup(tp.subject_id)
        if attributes:
            values.update(attributes)
    return values
