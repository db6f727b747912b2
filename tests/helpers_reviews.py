"""A scene for reviews and an app that serves the review routes.

The scene is ``tests.helpers_contracts``'s (learner ``mine``: the world's learner account,
followed by the world's referent, referred by the world's prescriber; ``tutor`` is the world's
tutor account) plus two running apprenticeships: ``contract`` (``mine`` with ``tutor``) and
``other_contract`` (learner ``other`` with ``tutor2``, in nobody's personal scope)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Contract
from tests.factories import World
from tests.helpers_contracts import Scene, make_scene, today

REVIEWS = "/api/v1/reviews"
TEMPLATES = "/api/v1/review-templates"
WHOLE = ("admin", "coordinator", "staff", "company_relations", "auditor")
ALL_ROLES = (*WHOLE, "referent", "tutor", "learner", "prescriber")


def grid(**overrides: Any) -> dict[str, Any]:
    """A two-section grid: ``punctuality`` (scale 1-4, required), ``attitude`` (words),
    ``tutor_comment`` (text, required) and ``extra`` (text, optional)."""
    return {
        "code": "visite",
        "title": "Grille de visite",
        "kinds": [],
        "sections": [
            {
                "key": "work",
                "title": "Au travail",
                "criteria": [
                    {
                        "key": "punctuality",
                        "label": "Ponctualité",
                        "type": "scale",
                        "scale": [1, 2, 3, 4],
                        "required": True,
                    },
                    {
                        "key": "attitude",
                        "label": "Attitude",
                        "type": "scale",
                        "scale": ["fragile", "correct", "excellent"],
                    },
                ],
            },
            {
                "key": "words",
                "title": "Commentaires",
                "criteria": [
                    {"key": "tutor_comment", "label": "Tuteur", "type": "text", "required": True},
                    {"key": "extra", "label": "Autre", "type": "text"},
                ],
            },
        ],
        **overrides,
    }


COMPLETE = {"punctuality": 4, "attitude": "correct", "tutor_comment": "Bien."}


@dataclass
class ReviewScene:
    base: Scene
    contract: Contract
    other_contract: Contract


async def make_review_scene(
    session: AsyncSession, world: World, started_days_ago: int = 30
) -> ReviewScene:
    base = await make_scene(session, world)
    start = today() - timedelta(days=started_days_ago)

    def running(learner_id: str, tutor_id: str) -> Contract:
        return Contract(
            organisation_id=world.organisation.id,
            kind="apprenticeship",
            learner_id=learner_id,
            company_id=base.company.id,
            tutor_id=tutor_id,
            cohort_id=base.cohort.id,
            start_date=start,
            end_date=start + timedelta(days=700),
            practical_start_date=start,
            status="registered",
        )

    contract = running(base.mine.id, base.tutor.id)
    other_contract = running(base.other.id, base.tutor2.id)
    session.add_all([contract, other_contract])
    await session.commit()
    return ReviewScene(base, contract, other_contract)


async def create_template(
    client: httpx.AsyncClient, world: World, **overrides: Any
) -> dict[str, Any]:
    answer = await client.post(TEMPLATES, json=grid(**overrides), headers=world.staff.headers)
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


async def create_review(
    client: httpx.AsyncClient, world: World, contract_id: str, role: str = "staff", **values: Any
) -> dict[str, Any]:
    body = {"contract_id": contract_id, "kind": "visit", "scheduled_on": str(today()), **values}
    answer = await client.post(REVIEWS, json=body, headers=world[role].headers)
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created
