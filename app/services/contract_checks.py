"""What makes a contract's fields valid: references that exist and that the caller may see,
dates in order, sites only on internships. Each fault names its field (422)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.models import Cohort, Company, Learner, Tutor
from app.services import contract_lifecycle as lifecycle
from app.services import scope

# Columns a PATCH may not set to null (the database requires them).
REQUIRED = ("kind", "learner_id", "company_id", "start_date", "end_date")
DATE_FIELDS = ("start_date", "end_date", "practical_start_date")

Errors = list[dict[str, Any]]
CHUNK = 1000  # ids per IN list


def error(field: str, msg: str) -> dict[str, Any]:
    return {"loc": ["body", field], "msg": msg, "type": "value_error"}


@dataclass
class References:
    """The referenced rows the caller may see, loaded for many contracts in a few queries."""

    learners: set[str]
    companies: dict[str, str | None]  # id -> OPCO (a contract is funded by its company's)
    cohorts: set[str]
    tutors: dict[str, str]  # id -> the company they work at

    @classmethod
    async def load(
        cls, session: AsyncSession, principal: Principal, items: Sequence[Mapping[str, Any]]
    ) -> References:
        def ids(field: str) -> list[str]:
            return sorted({item[field] for item in items if item.get(field)})

        async def pairs(columns: Any, condition: Any, wanted: list[str]) -> dict[str, Any]:
            found: dict[str, Any] = {}
            for start in range(0, len(wanted), CHUNK):
                rows = await session.execute(
                    select(*columns).where(columns[0].in_(wanted[start : start + CHUNK]), condition)
                )
                found.update((row[0], row[1]) for row in rows)
            return found

        learners = await pairs(
            (Learner.id, Learner.id), scope.learner_condition(principal), ids("learner_id")
        )
        companies = await pairs(
            (Company.id, Company.opco), scope.company_condition(principal), ids("company_id")
        )
        # Cohorts are reference data every member of the organisation reads.
        cohorts = await pairs(
            (Cohort.id, Cohort.id),
            Cohort.organisation_id == principal.organisation_id,
            ids("cohort_id"),
        )
        tutors = await pairs(
            (Tutor.id, Tutor.company_id), scope.tutor_condition(principal), ids("tutor_id")
        )
        return cls(set(learners), companies, set(cohorts), tutors)

    def tutor_refusal(self, tutor_id: str, company_id: str | None) -> str | None:
        if tutor_id not in self.tutors:
            return "No tutor with this id in your organisation."
        if self.tutors[tutor_id] != company_id:
            return "This tutor does not work at the contract's company."
        return None


async def field_errors(
    session: AsyncSession,
    principal: Principal,
    values: Mapping[str, Any],
    merged: Mapping[str, Any],
) -> Errors:
    """``values`` are the fields being written, ``merged`` the contract as it would become."""
    return errors_in(values, merged, await References.load(session, principal, [merged]))


def errors_in(values: Mapping[str, Any], merged: Mapping[str, Any], known: References) -> Errors:
    """The faults of one contract, its references looked up in ``known``."""
    errors = [
        error(key, "May not be null.") for key in REQUIRED if key in values and values[key] is None
    ]
    if errors:
        return errors
    errors += reference_errors(values, merged, known)
    errors += date_errors(values, merged)
    if merged.get("sites") and merged["kind"] != "internship":
        errors.append(error("sites", "Only an internship has extra host sites."))
    return errors


def reference_errors(
    values: Mapping[str, Any], merged: Mapping[str, Any], known: References
) -> Errors:
    """References must exist in the organisation AND be visible to the caller: an id the caller
    cannot see is answered like one that does not exist."""
    errors: Errors = []
    checks: tuple[tuple[str, str, Collection[str]], ...] = (
        ("learner_id", "learner", known.learners),
        ("company_id", "company", known.companies),
        ("cohort_id", "cohort", known.cohorts),
    )
    for field, label, found in checks:
        value = values.get(field)
        if value is not None and value not in found:
            errors.append(error(field, f"No {label} with this id in your organisation."))
    # A new company must keep a tutor who works there.
    if merged.get("tutor_id") and ("tutor_id" in values or "company_id" in values):
        message = known.tutor_refusal(merged["tutor_id"], merged["company_id"])
        if message:
            errors.append(error("tutor_id" if "tutor_id" in values else "company_id", message))
    return errors


async def tutor_refusal(
    session: AsyncSession, principal: Principal, tutor_id: str, company_id: str | None
) -> str | None:
    """Why this tutor cannot tutor a contract at this company, or None."""
    known = await References.load(session, principal, [{"tutor_id": tutor_id}])
    return known.tutor_refusal(tutor_id, company_id)


def date_errors(values: Mapping[str, Any], merged: Mapping[str, Any]) -> Errors:
    if not any(key in values for key in DATE_FIELDS):
        return []
    errors: Errors = []
    start, end = merged["start_date"], merged["end_date"]
    practical = merged.get("practical_start_date")
    if end <= start:
        field = "end_date" if "end_date" in values else "start_date"
        errors.append(error(field, "The end date must be after the start date."))
    if practical is not None and not start <= practical <= lifecycle.latest_practical_start(start):
        errors.append(
            error(
                "practical_start_date",
                "The first day in company must be between the start date and 3 months after "
                f"it ({lifecycle.latest_practical_start(start).isoformat()}).",
            )
        )
    return errors


def site_json(site: Mapping[str, Any]) -> dict[str, Any]:
    """A site as stored: API names (``from``), ISO dates, no empty keys."""
    out: dict[str, Any] = {}
    for key, value in site.items():
        if value is None:
            continue
        if isinstance(value, date):
            value = value.isoformat()
        if isinstance(value, Mapping):
            value = {k: v for k, v in value.items() if v is not None}
        out["from" if key == "from_" else key] = value
    return out
