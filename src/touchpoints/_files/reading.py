"""Reading a file's text safely: the size and nesting limits, the format a file's
extension names, and UTF-8 decoding (a byte-order mark is allowed).

Problems that stop a file from being read are raised as :class:`DocumentError`, which
the public functions turn into a :class:`~touchpoints.PlanError` or
:class:`~touchpoints.SubjectError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

from touchpoints._errors import Problem
from touchpoints._files.positions import Position

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "DocumentError",
    "check_depth",
    "check_size",
    "decode",
    "format_of",
    "read_text",
    "stop",
    "too_deep",
]

MAX_FILE_BYTES: Final = 10 * 1024 * 1024
"""The largest plan (or YAML/JSON subject) file read: 10 MiB."""
MAX_DEPTH: Final = 32
"""The deepest nesting of lists and mappings accepted in a file."""


class DocumentError(Exception):
    """Problems that stop a file from being read; the public functions wrap them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def stop(message: str, position: Position | None = None) -> DocumentError:
    """The error for one problem that stops reading (raise it), at ``position`` if known.

    >>> print(stop("this is not valid JSON: Expecting value", (3, 7)))
    line 3, column 7: this is not valid JSON: Expecting value
    """
    line, column = position if position is not None else (None, None)
    return DocumentError([Problem("", message, line, column)])


def read_text(path: Path, *, max_bytes: int, what: str) -> str:
    """The file's text, decoded as UTF-8 (with or without a byte-order mark).

    Raises:
        DocumentError: the file is missing, too large or not UTF-8.
    """
    try:
        with path.open("rb") as stream:
            data = stream.read(max_bytes + 1)
    except OSError as error:
        raise stop(f"cannot read the file: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise stop(_too_large(max_bytes, what))
    return decode(data)


def check_size(text: str, *, max_bytes: int, what: str) -> None:
    """Refuse text longer than ``max_bytes`` in UTF-8, as :func:`read_text` refuses a file.

    >>> check_size("plan: " + "x" * 100, max_bytes=50, what="plan")
    Traceback (most recent call last):
    ...
    touchpoints._files.reading.DocumentError: the text is larger than 50 bytes, the most a plan
    file may be; check that this is the right text
    """
    # Each character is at most 4 bytes in UTF-8: only count the bytes when it matters.
    size = len(text)
    if size > max_bytes or (
        size * 4 > max_bytes and len(text.encode("utf-8", "surrogatepass")) > max_bytes
    ):
        raise stop(_too_large(max_bytes, what, "text"))


def _too_large(max_bytes: int, what: str, form: str = "file") -> str:
    return (
        f"the {form} is larger than {_size(max_bytes)}, the most a {what} file may be; "
        f"check that this is the right {form}"
    )


def decode(data: bytes, first_offset: int = 0, first_line: int = 1) -> str:
    """UTF-8 bytes to text; a leading byte-order mark is dropped.

    ``first_offset`` and ``first_line`` say where ``data`` starts in its file (for a
    file read line by line); only data at offset 0 may start with the mark.

    Raises:
        DocumentError: a byte is not UTF-8; the message gives its offset and line.

    >>> decode(b"\\xef\\xbb\\xbfplan: welcome")
    'plan: welcome'
    >>> decode(b"name: M\\xfcller")
    Traceback (most recent call last):
    ...
    touchpoints._files.reading.DocumentError: line 1, column 8: the file is not UTF-8 text:
    byte 0xfc at byte offset 7 cannot be read; save the file with the UTF-8 encoding
    """
    skip = 3 if first_offset == 0 and data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start + skip
        line_start = data.rfind(b"\n", 0, offset) + 1
        line = first_line + data.count(b"\n", 0, offset)
        column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
        raise stop(
            f"the file is not UTF-8 text: byte 0x{data[offset]:02x} at byte offset "
            f"{first_offset + offset} cannot be read; save the file with the UTF-8 encoding",
            (line, column),
        ) from None


def _size(count: int) -> str:
    mib = count / (1024 * 1024)
    return f"{mib:g} MB" if mib >= 1 else f"{count:,} bytes"


def format_of(path: Path, allowed: Mapping[str, str]) -> str:
    """The file format its extension names.

    Raises:
        DocumentError: the extension is not one of ``allowed``.

    >>> format_of(Path("plan.YML"), {".yml": "yaml", ".json": "json"})
    'yaml'
    """
    suffix = path.suffix.lower()
    if suffix not in allowed:
        names = ", ".join(sorted(allowed))
        found = f"'{path.suffix}'" if path.suffix else "no extension"
        raise stop(
            f"cannot tell the file's format from {found}; give it one of these extensions: {names}"
        )
    return allowed[suffix]


def too_deep() -> str:
    """The message for data nested deeper than :data:`MAX_DEPTH`."""
    return f"the data is nested more than {MAX_DEPTH} levels deep; plans and subjects need a few"


def check_depth(data: object) -> None:
    """Refuse data nested deeper than :data:`MAX_DEPTH` (without recursing itself).

    >>> deep: object = []
    >>> for _ in range(40):
    ...     deep = [deep]
    >>> check_depth(deep)
    Traceback (most recent call last):
    ...
    touchpoints._files.reading.DocumentError: the data is nested more than 32 levels deep; ...
    """
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise stop(too_deep())
        if isinstance(value, Mapping):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
