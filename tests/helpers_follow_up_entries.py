"""A small scene for the follow-up log, written with the ORM (independent of other endpoints).

Learner ``mine`` is the world's learner account, referred by the world's prescriber, enrolled in a
cohort the world's referent refers, under a contract the world's tutor tutors. Learner ``other``
is outside every personal scope. ``mine`` has one entry per visibility, ``other`` one ``all``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import (
    Cohort,
    Company,
    Contract,
    Enrolment,
    FollowUpEntry,
    Learner,
    Programme,
    Tutor,
    cohort_referents,
)
from tests.factories import World

VISIBILITIES = ("internal", "learner", "company", "all")


@dataclass
class Scene:
    mine: Learner
    other: Learner
    contract: Contract
    other_contract: Contract
    company: Company
    other_company: Company
    entries: dict[str, str] = field(default_factory=dict)  # visibility -> id, on ``mine``
    other_entry: str = ""


async def make_scene(session: AsyncSession, world: World) -> Scene:
    org = world.organisation.id
    programme = Programme(organisation_id=org, title="BTS MCO", level=5)
    session.add(programme)
    await session.flush()
    cohort = Cohort(
        organisation_id=org,
        programme_id=programme.id,
        name="BTS MCO 2026-2028",
        start_date=date(2026, 9, 1),
        end_date=date(2028, 6, 30),
    )
    company = Company(organisation_id=org, name="Boulangerie Martin", siret="73282932000074")
    other_company = Company(organisation_id=org, name="Garage Durand")
    session.add_all([cohort, company, other_company])
    await session.flush()
    await session.execute(
        insert(cohort_referents), [{"cohort_id": cohort.id, "user_id": world.referent.id}]
    )
    tutor = Tutor(
        organisation_id=org,
        company_id=company.id,
        first_name="Paul",
        last_name="Martin",
        user_id=world.tutor.id,
    )
    other_tutor = Tutor(
        organisation_id=org, company_id=other_company.id, first_name="Eve", last_name="Durand"
    )
    mine = Learner(
        organisation_id=org,
        first_name="Léa",
        last_name="Petit",
        user_id=world.learner.id,
        prescriber_id=world.prescriber.id,
    )
    other = Learner(organisation_id=org, first_name="Tom", last_name="Roux")
    session.add_all([tutor, other_tutor, mine, other])
    await session.flush()
    session.add(
        Enrolment(
            organisation_id=org,
            learner_id=mine.id,
            cohort_id=cohort.id,
            start_date=date(2026, 9, 1),
        )
    )
    contract = _contract(org, mine, company, tutor)
    other_contract = _contract(org, other, other_company, other_tutor)
    session.add_all([contract, other_contract])
    await session.flush()
    scene = Scene(mine, other, contract, other_contract, company, other_company)
    for visibility in VISIBILITIES:
        entry = _entry(org, mine, contract, visibility, world.coordinator.id)
        session.add(entry)
        await session.flush()
        scene.entries[visibility] = entry.id
    entry = _entry(org, other, other_contract, "all", world.coordinator.id)
    session.add(entry)
    await session.flush()
    scene.other_entry = entry.id
    await session.commit()
    return scene


def _contract(org: str, learner: Learner, company: Company, tutor: Tutor) -> Contract:
    return Contract(
        organisation_id=org,
        kind="apprenticeship",
        learner_id=learner.id,
        company_id=company.id,
        tutor_id=tutor.id,
        start_date=date(2026, 9, 1),
        end_date=date(2028, 8, 31),
        status="registered",
    )


def _entry(
    org: str, learner: Learner, contract: Contract, visibility: str, author_id: str
) -> FollowUpEntry:
    return FollowUpEntry(
        organisation_id=org,
        learner_id=learner.id,
        contract_id=contract.id,
        company_id=contract.company_id,
        kind="visit",
        occurred_on=date(2026, 10, 1),
        author_id=author_id,
        summary=f"Visite ({visibility})",
        visibility=visibility,
    )
