"""What makes a contract's fields valid: references that exist and that the caller may see,
dates in order, sites only on internships. Each fault names its field (422)."""

from __future__ import annotations

from collections.abc import Mapping
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


def error(field: str, msg: str) -> dict[str, Any]:
    return {"loc": ["body", field], "msg": msg, "type": "value_error"}


async def field_errors(
    session: AsyncSession,
    principal: Principal,
    values: Mapping[str, Any],
    merged: Mapping[str, Any],
) -> Errors:
    """``values`` are the fields being written, ``merged`` the contract as it would become."""
    errors = [
        error(key, "May not be null.") for key in REQUIRED if key in values and values[key] is None
    ]
    if errors:
        return errors
    errors += await reference_errors(session, principal, values, merged)
    errors += date_errors(values, merged)
    if merged.get("sites") and merged["kind"] != "internship":
        errors.append(error("sites", "Only an internship has extra host sites."))
    return errors


async def reference_errors(
    session: AsyncSession,
    principal: Principal,
    values: Mapping[str, Any],
    merged: Mapping[str, Any],
) -> Errors:
    """References must exist in the organisation AND be visible to the caller: an id the caller
    cannot see is answered like one that does not exist."""
    errors: Errors = []
    checks = (
        ("learner_id", "learner", Learner, scope.learner_condition(principal)),
        ("company_id", "company", Company, scope.company_condition(principal)),
        # Cohorts are reference data every member of the organisation reads.
        ("cohort_id", "cohort", Cohort, Cohort.organisation_id == principal.organisation_id),
    )
    for field, label, model, visible in checks:
        value = values.get(field)
        if value is None:
            continue
        if await session.scalar(select(model.id).where(model.id == value, visible)) is None:
            errors.append(error(field, f"No {label} with this id in your organisation."))
    # A new company must keep a tutor who works there.
    if merged.get("tutor_id") and ("tutor_id" in values or "company_id" in values):
        message = await tutor_refusal(session, principal, merged["tutor_id"], merged["company_id"])
        if message:
            errors.append(error("tutor_id" if "tutor_id" in values else "company_id", message))
    return errors


async def tutor_refusal(
    session: AsyncSession, principal: Principal, tutor_id: str, company_id: str | None
) -> str | None:
    """Why this tutor cannot tutor a contract at this company, or None."""
    tutor_company = await session.scalar(
        select(Tutor.company_id).where(Tutor.id == tutor_id, scope.tutor_condition(principal))
    )
    if tutor_company is None:
        return "No tutor with this id in your organisation."
    if tutor_company != company_id:
        return "This tutor does not work at the contract's company."
    return None


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
