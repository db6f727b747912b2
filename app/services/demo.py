"""The demo organisation: a CFA near Lyon with five programmes, about 300 learners in every
status, a few hundred companies with their tutors, contracts in every status with their history,
and a follow-up log; one login per role, so that a newcomer can try every view.

Loading is idempotent: users are matched by email, and the data set is created only when the
organisation has no programme yet. The demo accounts are wired into it: the tutor tutors three
contracts, the learner is one of them, the prescriber referred some learners, the referent
follows the BTS MCO cohorts."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import SYSTEM, Principal
from app.core.security import hash_password
from app.models import FollowUpEntry, Programme, Role, Tutor, User, cohort_referents
from app.services import organisations
from app.services.alerts import scan as alert_scan
from app.services.alerts.catalogue import Scope
from app.services.demo_entries import Team
from app.services.demo_generate import add_cohorts, add_companies
from app.services.demo_history import CohortRef, Histories
from app.services.demo_people import phone
from app.services.demo_rows import Rows, at, days
from app.services.demo_texts import CATALOGUE

DEMO_ORGANISATION = "CFA Démo Relais"
DEMO_PASSWORD = "relais-demo-2026"
DEMO_DOMAIN = "demo.relais.dev"
DEMO_SEED = 2026
PROGRAMMES = CATALOGUE[:5]  # BTS MCO, BTS NDRC, BTS SIO, BP Boulanger, TP DWWM
COMPANIES = 220
# About 300 learners: every derived status, in a CFA's usual proportions.
STATUS_COUNTS = {
    "referred": 30,
    "enrolled_seeking": 45,
    "under_contract": 128,
    "between_contracts": 24,
    "completed": 45,
    "dropped_out": 25,
}
# More colleagues than one per role, as in a real CFA: (role, first name, last name).
COLLEAGUES = (
    (Role.referent, "Claire", "Moreau"),
    (Role.referent, "Karim", "Benali"),
    (Role.referent, "Sophie", "Garnier"),
    (Role.referent, "Julien", "Roux"),
    (Role.company_relations, "Nadia", "Haddad"),
    (Role.company_relations, "Marc", "Lefebvre"),
    (Role.prescriber, "Aurélie", "Fontaine"),
)


def demo_email(role: str) -> str:
    return f"{role.replace('_', '-')}@{DEMO_DOMAIN}"


def colleague_email(first: str, last: str) -> str:
    return f"{first.lower()}.{last.lower()}@{DEMO_DOMAIN}"


async def load(session: AsyncSession) -> list[tuple[str, str, str]]:
    """Create the demo organisation, its users and its data if missing; return one
    (role, email, password) per role."""
    organisation = await organisations.ensure(session, DEMO_ORGANISATION)
    wanted = [
        (role, role.value.replace("_", " ").title(), "Démo", demo_email(role.value))
        for role in Role
    ]
    wanted += [
        (role, first, last, colleague_email(first, last)) for role, first, last in COLLEAGUES
    ]
    existing = {
        user.email: user
        for user in await session.scalars(
            select(User).where(User.email.in_([w[3] for w in wanted]))
        )
    }
    password_hash = None
    for role, first, last, email in wanted:
        if email not in existing:
            password_hash = password_hash or hash_password(DEMO_PASSWORD)
            existing[email] = User(
                organisation_id=organisation.id,
                email=email,
                first_name=first,
                last_name=last,
                roles=[role.value],
                active=True,
                password_hash=password_hash,
            )
            session.add(existing[email])
    await session.flush()
    has_data = await session.scalar(
        select(Programme.id).where(Programme.organisation_id == organisation.id).limit(1)
    )
    if has_data is None:
        await _load_data(session, organisation.id, existing)
    # Raise today's alerts, so that the demo shows who is at risk (a no-op when re-run).
    system = Principal(kind=SYSTEM.kind, id=SYSTEM.id, organisation_id=organisation.id)
    today = await organisations.local_today(session, organisation.id)
    await alert_scan.run(session, system, Scope(organisation.id, today))
    return [(role.value, demo_email(role.value), DEMO_PASSWORD) for role in Role]


async def _load_data(session: AsyncSession, organisation_id: str, users: dict[str, User]) -> None:
    def ids(role: Role) -> list[str]:
        return [u.id for u in users.values() if role.value in u.roles]

    def demo(role: Role) -> User:
        return users[demo_email(role.value)]

    rng = random.Random(DEMO_SEED)
    ref = await organisations.local_today(session, organisation_id)
    rows = Rows(session, organisation_id, datetime.now(UTC))
    team = Team(
        coordinators=ids(Role.coordinator) + ids(Role.admin),
        staff=ids(Role.staff),
        relations=ids(Role.company_relations),
        referents=ids(Role.referent),
        prescribers=ids(Role.prescriber),
    )
    others = [r for r in team.referents if r != demo(Role.referent).id]
    cohorts = add_cohorts(rows, rng, ref, PROGRAMMES, 1, others)
    mco = [c for c in cohorts if c.spec.short == "BTS MCO"]
    for cohort in mco[1:]:  # the demo referent follows the two running BTS MCO cohorts
        rows.link(cohort_referents, cohort_id=cohort.id, user_id=demo(Role.referent).id)
        cohort.referents.append(demo(Role.referent).id)
    employers = add_companies(rows, rng, ref, COMPANIES, PROGRAMMES, team.relations)
    histories = Histories(rows, rng, ref, team, cohorts, employers)
    # The demo tutor works at a shop and tutors three contracts, the demo learner's among them.
    shop = employers["commerce"][0]
    tutor_user = demo(Role.tutor)
    tutor_id = rows.add(
        Tutor,
        company_id=shop.id,
        first_name=tutor_user.first_name,
        last_name=tutor_user.last_name,
        email=tutor_user.email,
        phone=phone(rng),
        job_title="Responsable de rayon",
        user_id=tutor_user.id,
    )
    await rows.flush()
    running_mco = _running(mco, ref)
    learner_user = demo(Role.learner)
    learner_id = histories.learner(
        "under_contract",
        running_mco,
        names=(learner_user.first_name, learner_user.last_name),
        user_id=learner_user.id,
        prescriber_id=demo(Role.prescriber).id,
        placement=(shop, tutor_id),
    )
    # Their own job-search steps, logged before they found the shop.
    for weeks, where in (
        (9, "Candidature spontanée chez deux magasins du quartier"),
        (6, f"Entretien d'embauche chez {shop.name}"),
    ):
        day = running_mco.start - days(7 * weeks)
        rows.add(
            FollowUpEntry,
            at(day, rng),
            learner_id=learner_id,
            kind="job_search",
            occurred_on=day,
            author_id=learner_user.id,
            summary=where,
            visibility="learner" if weeks > 6 else "all",
        )
    histories.learner("under_contract", running_mco, placement=(shop, tutor_id))
    histories.learner(
        "between_contracts",
        running_mco,
        placement=(shop, tutor_id),
        prescriber_id=demo(Role.prescriber).id,
    )
    try:
        for status, count in STATUS_COUNTS.items():
            for _ in range(count):
                histories.learner(status, histories.cohort_for(status))
                await rows.maybe_flush()
        await rows.flush()
    finally:
        await rows.settle()  # never leave a batch being written behind


def _running(cohorts: list[CohortRef], ref: date) -> CohortRef:
    """The cohort started longest ago that is still running (its learners have a history)."""
    return next(c for c in cohorts if c.start <= ref - days(90) and c.end > ref + days(30))
