"""A small scene for contracts, written with the ORM (independent of other endpoints), and
shortcuts to create and move contracts through the API.

Learner ``mine`` is the world's learner account, followed by the world's referent and referred
by the world's prescriber. ``tutor`` (the world's tutor account) and ``tutor2`` work at
``company``; ``elsewhere`` works at ``other_company``. Learner ``other`` is in nobody's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Cohort, Company, Learner, Programme, Tutor
from tests.factories import World

URL = "/api/v1/contracts"


def today() -> date:
    return datetime.now(ZoneInfo("Europe/Paris")).date()


def days(n: int) -> str:
    """The ISO date ``n`` days from today (negative: in the past)."""
    return (today() + timedelta(days=n)).isoformat()


@dataclass
class Scene:
    mine: Learner
    other: Learner
    company: Company
    other_company: Company
    tutor: Tutor
    tutor2: Tutor
    elsewhere: Tutor
    cohort: Cohort

    def body(self, **overrides: Any) -> dict[str, Any]:
        """A running apprenticeship of ``mine`` at ``company`` with ``tutor``."""
        return {
            "kind": "apprenticeship",
            "learner_id": self.mine.id,
            "company_id": self.company.id,
            "tutor_id": self.tutor.id,
            "cohort_id": self.cohort.id,
            "start_date": days(-30),
            "end_date": days(700),
            "practical_start_date": days(-28),
            **overrides,
        }


async def make_scene(session: AsyncSession, world: World) -> Scene:
    org = world.organisation.id
    programme = Programme(organisation_id=org, title="BTS MCO", level=5)
    company = Company(organisation_id=org, name="Boulangerie Martin", opco="OPCO EP")
    other_company = Company(organisation_id=org, name="Garage Durand", opco="OPCO Mobilités")
    session.add_all([programme, company, other_company])
    await session.flush()
    cohort = Cohort(
        organisation_id=org,
        programme_id=programme.id,
        name="BTS MCO",
        start_date=today() - timedelta(days=60),
        end_date=today() + timedelta(days=700),
    )
    tutor = Tutor(
        organisation_id=org,
        company_id=company.id,
        first_name="Paul",
        last_name="Martin",
        user_id=world.tutor.id,
    )
    tutor2 = Tutor(organisation_id=org, company_id=company.id, first_name="Ana", last_name="Lopez")
    elsewhere = Tutor(
        organisation_id=org, company_id=other_company.id, first_name="Eve", last_name="Durand"
    )
    mine = Learner(
        organisation_id=org,
        first_name="Léa",
        last_name="Petit",
        user_id=world.learner.id,
        referent_id=world.referent.id,
        prescriber_id=world.prescriber.id,
    )
    other = Learner(organisation_id=org, first_name="Tom", last_name="Roux")
    session.add_all([cohort, tutor, tutor2, elsewhere, mine, other])
    await session.commit()
    return Scene(mine, other, company, other_company, tutor, tutor2, elsewhere, cohort)


async def create(client: httpx.AsyncClient, world: World, body: dict[str, Any]) -> dict[str, Any]:
    answer = await client.post(URL, json=body, headers=world.staff.headers)
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


async def move(
    client: httpx.AsyncClient, world: World, contract_id: str, to: str, **extra: Any
) -> httpx.Response:
    body = {"to": to, **extra}
    if to == "broken":
        body.setdefault("initiator", "mutual")
    return await client.post(
        f"{URL}/{contract_id}/transitions", json=body, headers=world.staff.headers
    )


async def move_through(
    client: httpx.AsyncClient, world: World, contract_id: str, *statuses: str
) -> dict[str, Any]:
    """Apply moves that must all succeed; the contract as it ends."""
    moved: dict[str, Any] = {}
    for status in statuses:
        answer = await move(client, world, contract_id, status)
        assert answer.status_code == 200, answer.text
        moved = answer.json()
    return moved
