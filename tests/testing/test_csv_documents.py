"""Subject CSV documents: valid ones load as the subjects they were made of, and each
near-valid one is refused with a SubjectError that names the line of its mistake."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings

from touchpoints import Plan, SubjectError, load_subjects
from touchpoints.testing import CsvDocument, subject_csv_documents
from touchpoints.testing._csv_documents import CSV_MISTAKES

QUICK = settings(phases=[Phase.generate], database=None, max_examples=1_000)

PLAN = Plan.model_validate(
    {
        "plan": "dealer",
        "anchors": {"renewal": "purchase + 3 years"},
        "touchpoints": [
            {"id": "welcome", "title": "Welcome", "channel": "call", "at": "purchase"},
            {"id": "handover", "title": "Handover", "channel": "visit", "at": "delivery"},
            {"id": "win-back", "title": "Win back", "channel": "call", "at": "churn",
             "optional": True},
        ],
    }
)  # fmt: skip


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def _load(folder: Path, doc: CsvDocument) -> list[object]:
    path = folder / "subjects.csv"
    path.write_bytes(doc.text.encode("utf-8"))
    return list(load_subjects(path, anchors=doc.anchors, unique_ids=True))


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=subject_csv_documents(PLAN))
def test_a_valid_document_loads_as_its_subjects(folder: Path, doc: CsvDocument) -> None:
    assert doc.mistake is None
    assert doc.line is None
    assert doc.anchors == ("purchase", "delivery", "churn")
    assert _load(folder, doc) == list(doc.subjects)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=subject_csv_documents(PLAN, valid=False))
def test_a_near_valid_document_is_refused_naming_its_line(folder: Path, doc: CsvDocument) -> None:
    assert doc.mistake in CSV_MISTAKES
    assert doc.line is not None
    with pytest.raises(SubjectError) as caught:
        _load(folder, doc)
    assert doc.line in [problem.line for problem in caught.value.problems], str(caught.value)


@pytest.mark.parametrize("mistake", CSV_MISTAKES)
def test_every_mistake_comes_out(mistake: str) -> None:
    find(subject_csv_documents(valid=False), lambda doc: doc.mistake == mistake, settings=QUICK)


@pytest.mark.parametrize(
    "feature",
    [
        lambda doc: doc.text.startswith("id;") or ";" in doc.text.splitlines()[0],
        lambda doc: '"' in doc.text and ";" in doc.text,
        lambda doc: "\r\n" in doc.text,
        lambda doc: "timezone" in doc.text and not doc.text.startswith("id"),
        lambda doc: len(doc.subjects) == 5,
        lambda doc: any(not s.anchors.get("churn") for s in doc.subjects),
    ],
    ids=["semicolons", "quoted-cells", "crlf", "columns-in-any-order", "five-rows", "empty-cells"],
)
def test_the_documents_vary_as_real_uploads_do(feature: object) -> None:
    find(subject_csv_documents(PLAN), feature, settings=QUICK)  # type: ignore[arg-type]
