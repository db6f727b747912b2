"""Rows the learner tests need, written straight through the ORM (other resources' endpoints
are built and tested elsewhere)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import (
    Cohort,
    Company,
    Contract,
    ContractEvent,
    Enrolment,
    FollowUpEntry,
    Learner,
    Programme,
    Tutor,
    cohort_referents,
)
from tests.factories import World

_n = itertools.count(1)


async def learner(session: AsyncSession, world: World, **values: Any) -> Learner:
    n = next(_n)
    row = Learner(
        organisation_id=world.organisation.id,
        first_name=values.pop("first_name", f"Jeune{n}"),
        last_name=values.pop("last_name", f"Nom{n}"),
        needs=values.pop("needs", []),
        fragile=values.pop("fragile", False),
        **values,
    )
    session.add(row)
    await session.commit()
    return row


async def cohort(
    session: AsyncSession, world: World, *, referent_ids: tuple[str, ...] = (), **values: Any
) -> Cohort:
    programme = Programme(organisation_id=world.organisation.id, title="BTS MCO")
    session.add(programme)
    await session.flush()
    row = Cohort(
        organisation_id=world.organisation.id,
        programme_id=programme.id,
        name=values.pop("name", f"Promo {next(_n)}"),
        start_date=values.pop("start_date", date(2026, 9, 1)),
        end_date=values.pop("end_date", date(2028, 6, 30)),
        **values,
    )
    session.add(row)
    await session.flush()
    for user_id in referent_ids:
        await session.execute(cohort_referents.insert().values(cohort_id=row.id, user_id=user_id))
    await session.commit()
    return row


async def enrolment(
    session: AsyncSession, world: World, learner_row: Learner, cohort_row: Cohort, **values: Any
) -> Enrolment:
    row = Enrolment(
        organisation_id=world.organisation.id,
        learner_id=learner_row.id,
        cohort_id=cohort_row.id,
        start_date=values.pop("start_date", cohort_row.start_date),
        **values,
    )
    session.add(row)
    await session.commit()
    return row


async def company_with_tutor(
    session: AsyncSession, world: World, tutor_user_id: str | None = None
) -> tuple[Company, Tutor]:
    company = Company(organisation_id=world.organisation.id, name=f"Entreprise {next(_n)}")
    session.add(company)
    await session.flush()
    tutor = Tutor(
        organisation_id=world.organisation.id,
        company_id=company.id,
        first_name="Paul",
        last_name="Tuteur",
        user_id=tutor_user_id,
    )
    session.add(tutor)
    await session.commit()
    return company, tutor


async def contract(
    session: AsyncSession,
    world: World,
    learner_row: Learner,
    company: Company,
    tutor: Tutor | None = None,
    **values: Any,
) -> Contract:
    row = Contract(
        organisation_id=world.organisation.id,
        kind=values.pop("kind", "apprenticeship"),
        learner_id=learner_row.id,
        company_id=company.id,
        tutor_id=tutor.id if tutor else None,
        start_date=values.pop("start_date", date(2026, 9, 1)),
        end_date=values.pop("end_date", date(2028, 8, 31)),
        status=values.pop("status", "registered"),
        **values,
    )
    session.add(row)
    await session.commit()
    return row


async def contract_event(
    session: AsyncSession, world: World, contract_row: Contract, **values: Any
) -> ContractEvent:
    row = ContractEvent(
        organisation_id=world.organisation.id,
        contract_id=contract_row.id,
        kind=values.pop("kind", "transition"),
        on=values.pop("on", contract_row.start_date),
        **values,
    )
    session.add(row)
    await session.commit()
    return row


async def entry(
    session: AsyncSession, world: World, learner_row: Learner, **values: Any
) -> FollowUpEntry:
    row = FollowUpEntry(
        organisation_id=world.organisation.id,
        learner_id=learner_row.id,
        kind=values.pop("kind", "note"),
        occurred_on=values.pop("occurred_on", date(2026, 10, 1)),
        summary=values.pop("summary", "Point d'étape"),
        visibility=values.pop("visibility", "internal"),
        **values,
    )
    session.add(row)
    await session.commit()
    return row
