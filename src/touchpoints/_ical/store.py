"""The export state in an SQLite file: its schema, and reading and writing it as a stream.

The file holds one row per exported component (its :class:`Revision`) and one row per
subject (a fingerprint of what its touch points were made from, and its components as
written), so that a re-export reads only what it needs, one subject at a time, and can
copy an unchanged subject's components instead of scheduling it again. Every change is
made in one transaction: a run that fails leaves the previous state. A state file from
before (the JSON text of :func:`dump_ical_state`) is read into a new SQLite file that
replaces it when the first export with it succeeds.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Final, NamedTuple

from touchpoints._core import Validity
from touchpoints._errors import ExportError, TouchpointsError
from touchpoints._ical.revisions import Revision
from touchpoints._ical.state import load_ical_state, revision_from_row, revision_row

__all__ = ["FORMAT", "SCHEMA", "StateFile", "StoredSubject"]

FORMAT: Final = "touchpoints export state"
VERSION: Final = "2"
# Version 1 had no window columns: such a file gets them, its subjects are scheduled
# once again (nothing says which windows they hold for), and its revisions are kept.
_ADDED_IN_2: Final = ("window_start", "window_end", "latest_start", "earliest_end", "latest_end")

SCHEMA: Final = """\
CREATE TABLE touchpoints_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE subjects (
    subject TEXT PRIMARY KEY,
    inputs TEXT NOT NULL,
    components BLOB NOT NULL,
    count INTEGER NOT NULL,
    zones TEXT NOT NULL,
    window_start TEXT,
    window_end TEXT,
    latest_start TEXT,
    earliest_end TEXT,
    latest_end TEXT
);
CREATE TABLE revisions (
    uid TEXT PRIMARY KEY,
    subject TEXT,
    sequence INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    modified TEXT NOT NULL,
    start TEXT NOT NULL,
    zone TEXT,
    summary TEXT NOT NULL,
    cancelled INTEGER NOT NULL
);
CREATE INDEX revisions_by_subject ON revisions (subject);
CREATE INDEX cancelled_revisions ON revisions (uid) WHERE cancelled = 1;
CREATE TABLE rule_lines (
    digest TEXT PRIMARY KEY,
    line TEXT NOT NULL
);
"""
"""The tables of a state file (see the iCalendar page of the docs for each column)."""

_COLUMNS: Final = "sequence, fingerprint, modified, start, zone, summary, cancelled"
BUSY_SECONDS = 5.0  # how long to wait for another export that holds the file
_CACHE_KIB: Final = 64 * 1024  # SQLite's page cache: bounded, larger than its 2 MiB default
_SQLITE_MAGIC: Final = b"SQLite format 3\x00"
_HINT: Final = "give the file an earlier export wrote with --state, or a new file name"


class StoredSubject(NamedTuple):
    """A subject's row."""

    inputs: str
    """The fingerprint of its inputs."""
    components: bytes
    """Its components as written, compressed."""
    number: int
    """Their number."""
    zones: str
    """One line ``TZID first-date last-date`` per zone they use."""
    validity: Validity | None
    """The windows they hold for, or None for a window of instants (the inputs name it)."""


class StateFile:
    """An open state file, inside one transaction until :meth:`commit` or :meth:`close`.

    A new file, or one converted from JSON, is built beside the path and moved over it
    by :meth:`commit`; an existing SQLite file is changed in place in a transaction.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self.temporary: str | None = None
        self.committed = False
        self.unfinished = False  # a write started and did not finish
        legacy: dict[str, Revision] | None = None
        exists = os.path.exists(self.path)
        if exists:
            with open(self.path, "rb") as file:
                head = file.read(len(_SQLITE_MAGIC))
            if head != _SQLITE_MAGIC:
                legacy = self._read_json()
        target = self.path
        if not exists or legacy is not None:
            directory = os.path.dirname(os.path.abspath(self.path))
            handle, self.temporary = tempfile.mkstemp(
                prefix=".touchpoints-state-", suffix=".tmp", dir=directory
            )
            os.close(handle)
            target = self.temporary
        try:
            self.db = sqlite3.connect(target, isolation_level=None, timeout=BUSY_SECONDS)
        except sqlite3.Error as error:
            self._discard()
            raise self.error(error) from None
        try:
            self._start(legacy)
        except BaseException:
            self.close()
            raise

    def _start(self, legacy: dict[str, Revision] | None) -> None:
        with self.guard():
            if self.temporary is not None:
                self.db.executescript(SCHEMA)
                self.db.executemany(
                    "INSERT INTO touchpoints_state VALUES (?, ?)",
                    [("format", FORMAT), ("version", VERSION)],
                )
            self.db.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
            self.db.execute("BEGIN IMMEDIATE")
            self._check_format()
            if legacy is not None:
                self.db.executemany(
                    f"INSERT INTO revisions (uid, subject, {_COLUMNS}) "
                    "VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?)",
                    ((uid, *revision_row(r)) for uid, r in legacy.items()),
                )
            self.db.execute("CREATE TEMP TABLE seen (subject TEXT PRIMARY KEY)")
            self.empty = all(
                self.db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None
                for table in ("revisions", "subjects")
            )
            self.orphans = (
                self.db.execute("SELECT 1 FROM revisions WHERE subject IS NULL LIMIT 1").fetchone()
                is not None
            )

    def error(self, error: sqlite3.Error) -> ExportError:
        if isinstance(error, sqlite3.OperationalError):
            if "locked" in str(error):
                return ExportError(
                    f"{self.path}: another export is using this state file; run one export "
                    "at a time with a state file"
                )
            return ExportError(f"{self.path}: the state file cannot be used ({error})")
        return ExportError(
            f"{self.path}: this is not a state file of touchpoints, or it is damaged "
            f"({error}); {_HINT}"
        )

    def _read_json(self) -> dict[str, Revision]:
        try:
            with open(self.path, "rb") as file:
                text = file.read().decode("utf-8")
            return load_ical_state(text)
        except UnicodeDecodeError:
            raise ExportError(
                f"{self.path}: the state file is neither SQLite nor UTF-8 text; {_HINT}"
            ) from None
        except TouchpointsError as error:
            raise ExportError(f"{self.path}: {error}; {_HINT}") from None
        except (ValueError, TypeError, RecursionError, KeyError):
            raise ExportError(
                f"{self.path}: this is not a state file of touchpoints; {_HINT}"
            ) from None

    def _check_format(self) -> None:
        try:
            rows = dict(self.db.execute("SELECT key, value FROM touchpoints_state"))
        except sqlite3.OperationalError:
            rows = {}
        if rows.get("format") != FORMAT:
            raise ExportError(
                f"{self.path}: this SQLite file is not a state file of touchpoints (it has "
                f"no touchpoints_state table naming the format); {_HINT}"
            )
        if rows.get("version") == "1":
            for column in _ADDED_IN_2:
                self.db.execute(f"ALTER TABLE subjects ADD COLUMN {column} TEXT")
            self.db.execute("UPDATE subjects SET inputs = ''")
            self.db.execute(
                "UPDATE touchpoints_state SET value = ? WHERE key = 'version'", (VERSION,)
            )
        elif rows.get("version") != VERSION:
            raise ExportError(
                f"{self.path}: the state file has version {rows.get('version')!r}, and this "
                f"touchpoints reads version {VERSION}; export with the touchpoints that "
                "wrote it, or give a new file name"
            )

    def guard(self) -> _Guard:
        """A context that turns SQLite's errors into an :class:`ExportError` naming the file."""
        return _Guard(self)

    # Reading

    def subject(self, subject: str) -> StoredSubject | None:
        row = self.db.execute(
            "SELECT inputs, components, count, zones, window_start, window_end, "
            "latest_start, earliest_end, latest_end FROM subjects WHERE subject = ?",
            (subject,),
        ).fetchone()
        if row is None:
            return None
        inputs, components, count, zones, *window = row
        validity = None
        if window[1] is not None:
            start, end, *bounds = (None if d is None else date.fromisoformat(d) for d in window)
            assert end is not None
            validity = Validity(start, end, *bounds)
        return StoredSubject(str(inputs), bytes(components), int(count), str(zones), validity)

    def revisions_of(self, subject: str, uids: Iterable[str]) -> dict[str, Revision]:
        """The revisions kept for a subject, and those of ``uids`` kept without one."""
        if self.empty:
            return {}
        found = {
            str(uid): revision_from_row(*rest)
            for uid, *rest in self.db.execute(
                f"SELECT uid, {_COLUMNS} FROM revisions WHERE subject = ?", (subject,)
            )
        }
        if self.orphans:
            for uid in uids:
                if uid not in found:
                    row = self.db.execute(
                        f"SELECT {_COLUMNS} FROM revisions WHERE uid = ? AND subject IS NULL",
                        (uid,),
                    ).fetchone()
                    if row is not None:
                        found[uid] = revision_from_row(*row)
        return found

    def rule_lines(self) -> dict[str, str]:
        return {str(d): str(line) for d, line in self.db.execute("SELECT * FROM rule_lines")}

    def cancelled(self) -> Iterator[tuple[str, Revision]]:
        """The cancelled revisions, by ``UID``."""
        for uid, *rest in self.db.execute(
            f"SELECT uid, {_COLUMNS} FROM revisions WHERE cancelled = 1 ORDER BY uid"
        ):
            yield str(uid), revision_from_row(*rest)

    def revisions(self) -> Iterator[tuple[str, Revision]]:
        """Every revision, by ``UID``."""
        for uid, *rest in self.db.execute(f"SELECT uid, {_COLUMNS} FROM revisions ORDER BY uid"):
            yield str(uid), revision_from_row(*rest)

    # Writing

    def seen(self, subjects: Iterable[str]) -> None:
        self.db.executemany("INSERT OR IGNORE INTO temp.seen VALUES (?)", ((s,) for s in subjects))

    def put_subject(
        self, subject: str, stored: StoredSubject, revisions: Iterable[tuple[str, Revision]]
    ) -> None:
        """Replace a subject's row and revisions."""
        db = self.db
        if not self.empty:
            db.execute("DELETE FROM revisions WHERE subject = ?", (subject,))
        db.executemany(
            f"INSERT OR REPLACE INTO revisions (uid, subject, {_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((uid, subject, *revision_row(r)) for uid, r in revisions),
        )
        validity = stored.validity
        days: tuple[date | None, ...] = (None,) * 5
        if validity is not None:
            days = dataclasses.astuple(validity)
        window = tuple(None if day is None else day.isoformat() for day in days)
        db.execute(
            "INSERT OR REPLACE INTO subjects VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (subject, *stored[:4], *window),
        )

    def put_rule_lines(self, lines: Iterable[tuple[str, str]]) -> None:
        self.db.executemany("INSERT OR IGNORE INTO rule_lines VALUES (?, ?)", lines)

    def remove_unseen(self, *, cancel: bool, stamp: str) -> None:
        """Subjects not seen this run are gone: drop their live revisions (and those kept
        without a subject), or mark them cancelled; with ``cancel`` false, every
        cancelled revision goes too."""
        db = self.db
        # Two conditions rather than one with OR, so that each uses the subject index.
        for gone in (
            "subject IS NULL",
            "subject IN (SELECT subject FROM subjects "
            "WHERE subject NOT IN (SELECT subject FROM temp.seen))",
        ):
            if cancel:
                db.execute(
                    "UPDATE revisions SET cancelled = 1, sequence = sequence + 1, modified = ? "
                    f"WHERE {gone} AND cancelled = 0",
                    (stamp,),
                )
            else:
                db.execute(f"DELETE FROM revisions WHERE {gone} AND cancelled = 0")
        if not cancel:
            db.execute("DELETE FROM revisions WHERE cancelled = 1")
        db.execute("DELETE FROM subjects WHERE subject NOT IN (SELECT subject FROM temp.seen)")

    def commit(self) -> None:
        """Keep the changes: commit them, and move a new file into place."""
        if self.unfinished:
            raise ExportError(
                f"{self.path}: the export did not finish, so its state is not kept "
                "(the file keeps the previous one)"
            )
        with self.guard():
            self.db.execute("DROP TABLE temp.seen")
            self.db.execute("COMMIT")
            self.db.close()
        if self.temporary is not None:
            os.replace(self.temporary, self.path)
            self.temporary = None
        self.committed = True

    def close(self) -> None:
        """Forget the changes not committed (the file keeps the previous state)."""
        if self.committed:
            return
        try:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            self.db.close()
        except sqlite3.Error:
            pass
        self._discard()

    def _discard(self) -> None:
        if self.temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.temporary)
            self.temporary = None


class _Guard:
    __slots__ = ("file",)

    def __init__(self, file: StateFile) -> None:
        self.file = file

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, trace: object) -> None:
        if isinstance(error, sqlite3.DatabaseError):
            self.file.close()
            raise self.file.error(error) from None
