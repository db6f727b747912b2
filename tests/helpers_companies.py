"""A scene for company and tutor scope, written with the ORM (independent of other endpoints).

Company ``placed`` employs tutor ``mentor`` (the world's tutor account) who tutors the contract of
the world's learner (referred by the world's prescriber, followed by the world's referent); it also
employs ``colleague``, who tutors nothing. Company ``unrelated`` has tutor ``stranger`` and no
contract the personal roles can see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Company, Contract, Learner, Tutor
from tests.factories import World

# Valid SIRETs (Luhn): three establishments.
SIRET_A, SIRET_B, SIRET_C = "73282932000074", "55210055400013", "44306184100047"
ORG_WIDE = ("admin", "coordinator", "staff", "company_relations", "auditor")
PERSONAL = ("referent", "tutor", "learner", "prescriber")
WRITERS = ("admin", "coordinator", "staff", "company_relations")
READ_ONLY = ("auditor", "referent", "tutor", "learner", "prescriber")
COMPANY_BODY = {
    "name": "Boulangerie Martin",
    "siret": "732 829 320 00074",
    "naf_code": "10.71C",
    "idcc": "0843",
    "opco": "OPCO EP",
    "address": {"line": "12 rue des Lilas", "postcode": "69003", "city": "Lyon"},
    "contacts": [{"name": "Sophie Martin", "role": "gérante", "email": "sophie@example.fr"}],
}


@dataclass
class Scene:
    placed: Company
    unrelated: Company
    mentor: Tutor
    colleague: Tutor
    stranger: Tutor
    contract: Contract


async def make_scene(session: AsyncSession, world: World) -> Scene:
    org = world.organisation.id
    placed = Company(organisation_id=org, name="Boulangerie Martin", siret=SIRET_A)
    unrelated = Company(organisation_id=org, name="Garage Durand", siret=SIRET_B)
    session.add_all([placed, unrelated])
    await session.flush()
    mentor = Tutor(
        organisation_id=org,
        company_id=placed.id,
        first_name="Karim",
        last_name="Benali",
        user_id=world.tutor.id,
    )
    colleague = Tutor(organisation_id=org, company_id=placed.id, first_name="Lea", last_name="Roy")
    stranger = Tutor(
        organisation_id=org, company_id=unrelated.id, first_name="Marc", last_name="Petit"
    )
    learner = Learner(
        organisation_id=org,
        first_name="Jade",
        last_name="Moreau",
        user_id=world.learner.id,
        referent_id=world.referent.id,
        prescriber_id=world.prescriber.id,
    )
    session.add_all([mentor, colleague, stranger, learner])
    await session.flush()
    contract = Contract(
        organisation_id=org,
        kind="apprenticeship",
        learner_id=learner.id,
        company_id=placed.id,
        tutor_id=mentor.id,
        start_date=date(2026, 9, 1),
        end_date=date(2028, 8, 31),
        status="registered",
    )
    session.add(contract)
    await session.commit()
    return Scene(placed, unrelated, mentor, colleague, stranger, contract)
