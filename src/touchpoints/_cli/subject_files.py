"""The subjects an export reads from a file: each with the line it starts on, a
repeated id refused (naming both places), and the owner a subject gives."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from touchpoints._cli.positions import RowPositions
from touchpoints._errors import Problem, SubjectError
from touchpoints._files import IdHashes, load_subjects, plan_anchor_names
from touchpoints._model import Plan, Subject

__all__ = ["NoFile", "file_subjects", "subject_owner"]


def subject_owner(subject: Subject) -> str | None:
    owner = getattr(subject, "owner", None) or subject.attributes.get("owner")
    return owner if isinstance(owner, str) and owner.strip() else None


def file_subjects(
    path: str,
    plan: Plan,
    positions: RowPositions | None,
    columns: Mapping[str, str] | None = None,
) -> Iterator[tuple[Subject, int | None]]:
    """The subjects of ``path`` with the line each starts on (CSV), refusing a
    repeated id (which would give two events the same UID); ``columns`` maps names
    to the CSV file's columns."""
    names = plan_anchor_names(plan)
    seen = IdHashes()
    for number, subject in enumerate(load_subjects(path, anchors=names, columns=columns), 1):
        line = positions.next_line(subject.id) if positions is not None else None
        if not seen.add(subject.id):
            first = _first_place(path, names, columns, subject.id, number, positions)
            if first is not None:  # not two ids that share a hash
                here = f"line {line}" if line is not None else f"subject {number}"
                raise SubjectError(
                    [
                        Problem(
                            "id",
                            f"the subject id {subject.id!r} is given twice, on {first} and "
                            f"on {here}; each subject needs its own id, or their touch "
                            "points get the same UID",
                            line,
                        )
                    ],
                    source=path,
                )
        yield subject, line


def _first_place(
    path: str,
    names: tuple[str, ...],
    columns: Mapping[str, str] | None,
    subject_id: str,
    before: int,
    lines: RowPositions | None,
) -> str | None:
    """Where ``subject_id`` first appears in ``path`` before subject ``before``."""
    id_column = (columns or {}).get("id", "id")
    with RowPositions(path, id_column) if lines is not None else NoFile() as positions:
        subjects = load_subjects(path, anchors=names, columns=columns)
        for number, subject in enumerate(subjects, 1):
            if number >= before:
                return None
            line = positions.next_line(subject.id) if positions is not None else None
            if subject.id == subject_id:
                return f"line {line}" if line is not None else f"subject {number}"
    return None  # pragma: no cover - the file changed while it was read


class NoFile:
    """A context manager that gives None: the stand-in for a file not asked for."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> None:
        return None
