"""A row's training: its programme (found by RNCP code, diploma code or title), its cohort
(by programme and name) and the learner's enrolment in that cohort.

ERP exports and the national dashboard rarely name a cohort: without one, the cohort is the
school year ("2026-2027"), or the years of the training dates. A programme or cohort the
organisation does not have yet is created; existing ones are never changed by a file (their
titles and dates are the CFA's own reference data)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.schemas.cohort import CohortCreate
from app.schemas.enrolment import EnrolmentCreate
from app.schemas.programme import ProgrammeCreate
from app.services.imports import cells
from app.services.imports.matching import Index, rncp_key
from app.services.imports.parsing import fold
from app.services.imports.profiles import MappedRow
from app.services.imports.steps import RowRejected, Step

SCHOOL_YEAR = re.compile(r"^(\d{4})\s*[-/]\s*(\d{4})$")
PROGRAMME_FIELDS = ("programme.rncp_code", "programme.diploma_code", "programme.title")


@dataclass
class TrainingData:
    programme: ProgrammeCreate  # as a new programme would be
    titled: bool  # the file named the programme (else the title is made from its code)
    cohort_name: str
    cohort_start: date | None
    cohort_end: date | None
    enrolment_start: date | None


def _school_year(row: MappedRow, issues: list[dict[str, Any]]) -> tuple[date, date] | None:
    text = row.values.get("cohort.school_year")
    if text is None:
        return None
    match = SCHOOL_YEAR.match(text.strip())
    if match is None or int(match[2]) != int(match[1]) + 1:
        issues.append(cells.issue(row, "cohort.school_year", "Expected a school year: 2026-2027."))
        return None
    return date(int(match[1]), 9, 1), date(int(match[2]), 8, 31)


def build(row: MappedRow, issues: list[dict[str, Any]]) -> TrainingData | None:
    """The row's training, or None when it has none (or when it is wrong: see ``issues``).
    Without a programme a row has no training: a school year or a class name alone cannot say
    which (the national dashboard always sends the school year)."""
    v = row.values
    if not any(key in v for key in PROGRAMME_FIELDS):
        return None
    found: list[dict[str, Any]] = []
    rncp = rncp_key(v.get("programme.rncp_code"))
    cfd = (v.get("programme.diploma_code") or "").replace(" ", "").upper() or None
    title = v.get("programme.title")
    payload = {"title": title or f"Formation {rncp or cfd}", "rncp_code": rncp, "diploma_code": cfd}
    programme = cells.validate(ProgrammeCreate, payload, row, "programme", found)
    start = cells.read_date(row, "training.start_date", found)
    end = cells.read_date(row, "training.end_date", found)
    year = _school_year(row, found)
    name = v.get("cohort.name") or v.get("cohort.school_year")
    if name is None and start is not None and end is not None:
        name = f"{start.year}-{end.year}"
    if name is None:
        message = "A training needs its cohort: a cohort name, the school year or training dates."
        found.append(cells.issue(row, "cohort.name", message))
    issues.extend(found)
    if found or programme is None or name is None:
        return None
    return TrainingData(
        programme, title is not None, name.strip(), start or (year[0] if year else None),
        end or (year[1] if year else None), start,
    )


def plan(index: Index, row: MappedRow, training: TrainingData, learner_id: str) -> list[Step]:
    """Programme, cohort and enrolment steps; new objects get their ids now."""
    p = training.programme
    programme_id = index.find(
        ("programme_rncp", p.rncp_code), ("programme_cfd", p.diploma_code),
        ("programme_title", fold(p.title) if training.titled else None),
    )
    if programme_id is None:
        programme = Step("programme", Step.new_id(), "created", create=p)
        index.add("programme_rncp", p.rncp_code, programme.object_id)
        index.add("programme_cfd", p.diploma_code, programme.object_id)
        index.add("programme_title", fold(p.title), programme.object_id)
    else:
        programme = Step("programme", programme_id, "unchanged")
    key = (programme.object_id, fold(training.cohort_name))
    cohort_id = index.find(("cohort_key", key))
    if cohort_id is None:
        if training.cohort_start is None or training.cohort_end is None:
            message = "A new cohort needs its dates: the training dates or the school year."
            raise RowRejected([cells.issue(row, "training.start_date", message)])
        create = CohortCreate(
            programme_id=programme.object_id, name=training.cohort_name,
            start_date=training.cohort_start, end_date=training.cohort_end,
        )
        cohort = Step("cohort", Step.new_id(), "created", create=create)
        index.add("cohort_key", key, cohort.object_id)
        index.snapshot(cohort.object_id, {"start_date": training.cohort_start})
    else:
        cohort = Step("cohort", cohort_id, "unchanged")
    steps = [programme, cohort]
    enrolment_key = (learner_id, cohort.object_id)
    enrolment_id = index.find(("enrolment_key", enrolment_key))
    if enrolment_id is None:
        begins = training.enrolment_start or index.snapshots[cohort.object_id]["start_date"]
        enrol = EnrolmentCreate(cohort_id=cohort.object_id, start_date=begins)
        enrolment = Step("enrolment", Step.new_id(), "created", create=enrol, parent_id=learner_id)
        index.add("enrolment_key", enrolment_key, enrolment.object_id)
        steps.append(enrolment)
    else:
        steps.append(Step("enrolment", enrolment_id, "unchanged"))
    return steps
