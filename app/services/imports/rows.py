"""One mapped row turned into the API's own input schemas, or into report lines.

Validation is the API's: LearnerCreate and CompanyCreate (SIRET checksum, INE, e-mail, phone),
dates as the French write them, contract types by their French names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.schemas.company import CompanyCreate
from app.schemas.learner import LearnerCreate
from app.services.imports import training
from app.services.imports.cells import issue, read_date, validate
from app.services.imports.parsing import fold, tidy_name
from app.services.imports.profiles import MappedRow, Profile

REASON_LENGTH = 500  # as a transition's reason (ShortText)
PLACEHOLDER_NAME = "-"  # lets CompanyCreate check a SIRET when the file gives no name


@dataclass
class ContractData:
    kind: str
    start_date: date
    end_date: date
    break_date: date | None = None  # the file says the contract was broken on that day
    break_reason: str | None = None


@dataclass
class Employment:
    """An employer of the row and the contract with it. ``slot`` suffixes its fields: "" for
    the first, "#2" to "#4" for the national dashboard's later contracts (siret_employeur_2)."""

    slot: str
    company: CompanyCreate
    named: bool  # False: the name is a placeholder, not to be written over a real one
    contract: ContractData | None


@dataclass
class RowData:
    learner: LearnerCreate
    employments: list[Employment]
    training: training.TrainingData | None = None


def _learner(row: MappedRow, issues: list[dict[str, Any]]) -> LearnerCreate | None:
    v = row.values
    payload: dict[str, Any] = {
        "last_name": tidy_name(v.get("learner.last_name", "")),
        "first_name": tidy_name(v.get("learner.first_name", "")),
    }
    for key in ("email", "phone"):
        if f"learner.{key}" in v:
            payload[key] = v[f"learner.{key}"]
    if "learner.ine" in v:
        payload["ine"] = v["learner.ine"].upper()
    if "learner.birth_date" in v:
        born = read_date(row, "learner.birth_date", issues)
        if born is None:
            return None
        payload["birth_date"] = born
    learner: LearnerCreate | None = validate(LearnerCreate, payload, row, "learner", issues)
    return learner


def _company(
    profile: Profile, row: MappedRow, issues: list[dict[str, Any]], slot: str
) -> tuple[CompanyCreate | None, bool]:
    v = row.values
    siret, name = f"company.siret{slot}", f"company.name{slot}"
    if not has_employer(row, slot):
        return None, False
    named = name in v
    payload: dict[str, Any] = {"name": v.get(name, PLACEHOLDER_NAME)}
    if siret in v:
        payload["siret"] = v[siret].replace(" ", "")
        if not named and profile.company_name_from_siret:
            payload["name"], named = f"Employeur {payload['siret']}", True
    company: CompanyCreate | None = validate(CompanyCreate, payload, row, f"company{slot}", issues)
    return company, named


def has_employer(row: MappedRow, slot: str = "") -> bool:
    return any(f"company.{k}{slot}" in row.values for k in ("siret", "name", "ref"))


def _contract(
    profile: Profile, row: MappedRow, issues: list[dict[str, Any]], slot: str
) -> ContractData | None:
    v = row.values
    if not any(f"contract.{k}{slot}" in v for k in ("start_date", "end_date", "ref")):
        return None
    kind = "apprenticeship"
    if f"contract.kind{slot}" in v:
        found = profile.folded_kinds.get(fold(v[f"contract.kind{slot}"]))
        if found is None:
            issues.append(issue(row, f"contract.kind{slot}", "Unknown contract type."))
        kind = found or kind
    start = read_date(row, f"contract.start_date{slot}", issues)
    end = read_date(row, f"contract.end_date{slot}", issues)
    for target, value in ((f"contract.start_date{slot}", start), (f"contract.end_date{slot}", end)):
        if value is None and target not in v:
            issues.append(issue(row, target, "Required for a contract."))
    if not has_employer(row, slot):
        message = "A contract needs its employer (SIRET)."
        issues.append(issue(row, f"company.siret{slot}", message))
    broken = read_date(row, f"contract.break_date{slot}", issues)
    reason = v.get(f"contract.break_reason{slot}")
    if reason is not None and len(reason) > REASON_LENGTH:
        too_long = f"At most {REASON_LENGTH} characters."
        issues.append(issue(row, f"contract.break_reason{slot}", too_long))
    if start is None or end is None:
        return None
    return ContractData(kind, start, end, broken, reason)


def build(profile: Profile, row: MappedRow) -> tuple[RowData | None, list[dict[str, Any]]]:
    issues: list[dict[str, Any]] = []
    learner = _learner(row, issues)
    employments = []
    for slot in profile.slots:
        company, named = _company(profile, row, issues, slot)
        contract = _contract(profile, row, issues, slot)
        if company is not None:
            employments.append(Employment(slot, company, named, contract))
    studies = training.build(row, issues)
    if issues or learner is None:
        return None, issues
    return RowData(learner, employments, studies), []


def identity(row: MappedRow) -> tuple[str, ...]:
    """What makes two lines of one file the same record (for duplicate reports)."""
    v = row.values
    names = ("learner.last_name", "learner.first_name", "learner.birth_date")
    learner = (
        v.get("learner.ref")
        or v.get("learner.ine", "").upper()
        or "|".join(fold(v.get(k, "")) for k in names)
    )
    employer = v.get("company.ref") or v.get("company.siret", "").replace(" ", "")
    contract = v.get("contract.ref") or f"{employer}|{v.get('contract.start_date', '')}"
    return learner, contract
