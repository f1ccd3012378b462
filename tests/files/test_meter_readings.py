"""Meter readings in subject files: lists of readings in YAML and JSON, the latest
reading per meter in CSV, and problems named with their line (#13)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from touchpoints import MeterReading, SubjectError, load_subjects


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(SubjectError) as caught:
        list(load_subjects(path))
    return [str(problem) for problem in caught.value.problems]


def test_yaml_readings_are_read_in_date_order_with_a_completion_reading(tmp_path):
    path = write(
        tmp_path,
        "cars.yaml",
        "id: car-1\n"
        "anchors: {delivery: 2026-01-10}\n"
        "meters:\n"
        "  odometer:\n"
        "    - {on: 2026-07-10, value: 9000}\n"
        "    - {on: 2026-01-10, value: 0}\n"
        "history:\n"
        "  - {rule: service, occurrence: 1, status: completed, on: 2026-10-20, reading: 14200}\n",
    )
    [car] = load_subjects(path)
    assert car.meters["odometer"] == (
        MeterReading(on=date(2026, 1, 10), value=0),
        MeterReading(on=date(2026, 7, 10), value=9000),
    )
    assert car.history[0].reading == 14200


def test_a_meter_that_goes_down_is_reported_on_its_line(tmp_path):
    path = write(
        tmp_path,
        "cars.yaml",
        "id: car-1\n"
        "meters:\n"
        "  odometer:\n"
        "    - {on: 2026-01-10, value: 9000}\n"
        "    - {on: 2026-07-10, value: 8000}\n",
    )
    [problem] = problems(path)
    assert problem.startswith("line 3")  # the readings of 'odometer'

    assert "subject 'car-1': meter 'odometer' reads 8,000 on 2026-07-10" in problem


def test_a_reading_date_must_be_written_as_a_date(tmp_path):
    path = write(
        tmp_path, "cars.yaml", "id: car-1\nmeters:\n  odometer:\n    - {on: 20260110, value: 1}\n"
    )
    [problem] = problems(path)
    assert problem.startswith("line 4, column 12, meters.odometer[0].on: expected a date")


def test_csv_holds_the_latest_reading_of_each_meter(tmp_path):
    path = write(
        tmp_path,
        "cars.csv",
        "id,delivery,meters.odometer,meters.odometer.on,model\n"
        "car-1,2026-01-10,9000,2026-07-10,Kombi\n"
        "car-2,2026-02-01,,,City\n",
    )
    first, second = load_subjects(path)
    assert first.meters == {"odometer": (MeterReading(on=date(2026, 7, 10), value=9000),)}
    assert first.anchors == {"delivery": date(2026, 1, 10)}
    assert first.attributes == {"model": "Kombi"}
    assert second.meters == {}


def test_csv_problems_name_the_meter_column(tmp_path):
    path = write(
        tmp_path,
        "cars.csv",
        "id,meters.odometer,meters.odometer.on\ncar-1,lots,2026-07-10\ncar-2,5,\n",
    )
    assert problems(path) == [
        "line 2, column 2, meters.odometer: expected a number, found the text 'lots'",
        "line 3, column 3, meters.odometer.on: the required key 'on' is missing",
    ]


def test_a_csv_value_column_needs_its_date_column(tmp_path):
    path = write(tmp_path, "cars.csv", "id,meters.odometer\ncar-1,9000\n")
    [problem] = problems(path)
    assert "needs a column 'meters.odometer.on' beside it" in problem
