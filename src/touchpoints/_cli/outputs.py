"""Where the commands write: files replaced atomically, pipes and devices written as streams.

An output is checked before any work starts (:func:`check_output`), so that a mistake
such as ``-o`` naming a directory is reported at once. A regular file (or a new one)
is written through a temporary file beside it and replaced only when everything was
written; a pipe, a device such as ``/dev/null`` or standard output (``-``) is written
as a stream, and never replaced.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from typing import BinaryIO

from touchpoints._cli.errors import UsageError

__all__ = ["check_output", "check_output_directory", "open_output", "write_output"]


def check_output(path: str, *, option: str = "-o") -> None:
    """Refuse an output that cannot be a file, before any work starts.

    >>> check_output("-")
    >>> import tempfile
    >>> check_output(tempfile.gettempdir())
    Traceback (most recent call last):
    ...
    touchpoints._cli.errors.UsageError: -o ... is a directory; give a file name ...
    """
    if path == "-":
        return
    if os.path.isdir(path):
        raise UsageError(f"{option} {path} is a directory; give a file name such as calendar.ics")
    parent = os.path.dirname(os.path.abspath(path))
    if os.path.exists(parent) and not os.path.isdir(parent):
        raise UsageError(f"{option} {path}: {parent} is not a directory")


def check_output_directory(path: str) -> None:
    """Refuse a directory output (``--by-owner``) that is something else.

    >>> import tempfile
    >>> check_output_directory(tempfile.gettempdir())
    """
    if os.path.exists(path) and not os.path.isdir(path):
        raise UsageError(f"-o {path} is not a directory; --by-owner writes one file per owner")


def _is_stream(path: str) -> bool:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode)


@contextlib.contextmanager
def open_output(path: str) -> Iterator[BinaryIO]:
    """A binary stream to ``path``: standard output for ``-``, the pipe or device
    itself when ``path`` is one, else a temporary file that replaces ``path`` when the
    block ends without an error (and is removed when it does not).

    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.ics"
    >>> with open_output(str(target)) as stream:
    ...     _ = stream.write(b"feed")
    >>> target.read_bytes()
    b'feed'
    """
    if path == "-":
        yield sys.stdout.buffer
        return
    if _is_stream(path):
        with open(path, "wb") as stream:
            yield stream
        return
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".touchpoints-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
        mask = os.umask(0)  # read the umask: a temporary file is private, a feed is not
        os.umask(mask)
        os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_output(path: str, write: Callable[[BinaryIO], object]) -> None:
    """Write ``path`` with ``write(stream)`` through :func:`open_output`.

    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.ics"
    >>> write_output(str(target), lambda stream: stream.write(b"x"))
    >>> target.read_bytes()
    b'x'
    """
    with open_output(path) as stream:
        write(stream)
