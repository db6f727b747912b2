"""A deterministic large data set for benchmarks: ``relais demo generate --learners N``.

N learners in the status shares of ``demo_history``, with companies (N/3) and their tutors,
cohorts of about 25, contracts (about 0.8 per learner) and follow-up entries (about 3 per
learner). The same N gives the same data shape (the random is seeded by N); dates are drawn
around today so that statuses read right. Rows are written in batches with core inserts.

The cohort and company builders here are shared with the demo organisation (``demo``)."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import hash_password
from app.errors import Conflict
from app.models import Cohort, Company, Learner, Programme, Role, Tutor, User, cohort_referents
from app.services import organisations
from app.services.demo_contracts import Employer
from app.services.demo_entries import Team
from app.services.demo_history import CohortRef, Histories, status_plan
from app.services.demo_people import SECTORS, company_values, person, phone, siret
from app.services.demo_rows import Rows, ascii_slug, at, days
from app.services.demo_texts import CATALOGUE, ProgrammeSpec

BENCH_PASSWORD = "relais-bench-2026"
COHORT_SIZE = 25


@dataclass
class Generated:
    organisation_id: str
    admin_email: str
    password: str
    counts: dict[str, int]


def rentree(ref: date) -> int:
    """The year of the current school year's start (September)."""
    return ref.year if ref.month >= 9 else ref.year - 1


def add_cohorts(
    rows: Rows,
    rng: random.Random,
    ref: date,
    specs: Sequence[ProgrammeSpec],
    groups: int,
    referents: Sequence[str],
) -> list[CohortRef]:
    """Each programme's cohorts for the last three school starts, ``groups`` per start."""
    first_year = rentree(ref) - 2
    cohorts: list[CohortRef] = []
    for spec in specs:
        programme_id = rows.add(
            Programme,
            at(date(first_year - 1, 3, 1), rng),
            title=spec.title,
            rncp_code=spec.rncp_code,
            diploma_code=spec.diploma_code,
            level=spec.level,
            duration_months=spec.duration_months,
        )
        years = math.ceil(spec.duration_months / 12)
        for year in range(first_year, first_year + 3):
            for group in range(groups):
                name = f"{spec.short} {year}-{year + years}"
                if groups > 1:
                    name += f" groupe {group + 1}"
                start = date(year, 9, rng.randrange(1, 15))
                end = date(year + years, 6, 30)
                cohort_id = rows.add(
                    Cohort,
                    at(date(year, 3, 1), rng),
                    programme_id=programme_id,
                    name=name,
                    start_date=start,
                    end_date=end,
                )
                chosen = rng.sample(list(referents), min(len(referents), rng.choice((1, 1, 2))))
                for user_id in chosen:
                    rows.link(cohort_referents, cohort_id=cohort_id, user_id=user_id)
                cohorts.append(CohortRef(cohort_id, name, start, end, spec, chosen))
    return cohorts


def add_companies(
    rows: Rows,
    rng: random.Random,
    ref: date,
    count: int,
    specs: Sequence[ProgrammeSpec],
    owners: Sequence[str],
) -> dict[str, list[Employer]]:
    """``count`` companies of the programmes' sectors (in their proportions), 1 to 3 tutors each."""
    sectors = [spec.sector for spec in specs]
    employers: dict[str, list[Employer]] = {sector: [] for sector in sectors}
    sirets: set[str] = set()
    for i in range(count):
        sector = SECTORS[sectors[i % len(sectors)]]
        values = company_values(rng, sector, owners[i % len(owners)] if owners else None)
        while values["siret"] in sirets:  # unique in an organisation
            values["siret"] = siret(rng)
        sirets.add(values["siret"])
        since = at(ref - days(rng.randrange(365, 5 * 365)), rng)
        company_id = rows.add(Company, since, **values)
        employer = Employer(company_id, values["name"], sector.opco, values["owner_id"])
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            first, last = person(rng)
            employer.tutors.append(
                rows.add(
                    Tutor,
                    since,
                    company_id=company_id,
                    first_name=first,
                    last_name=last,
                    email=f"{ascii_slug(first)}.{ascii_slug(last)}@exemple.fr",
                    phone=phone(rng),
                    job_title=rng.choice(sector.tutor_titles),
                )
            )
        employers[sector.name].append(employer)
    return employers


def add_users(rows: Rows, rng: random.Random, domain: str, role: Role, count: int) -> list[str]:
    """Staff of a benchmark organisation: they author entries but do not sign in."""
    ids = []
    for i in range(count):
        first, last = person(rng)
        ids.append(
            rows.add(
                User,
                email=f"{role.value.replace('_', '-')}-{i + 1}@{domain}",
                first_name=first,
                last_name=last,
                roles=[role.value],
                active=True,
                password_hash=None,
            )
        )
    return ids


async def generate(
    session: AsyncSession, learners: int, organisation: str | None = None
) -> Generated:
    name = organisation or f"CFA bench {learners}"
    org = await organisations.ensure(session, name)
    if await session.scalar(select(Learner.id).where(Learner.organisation_id == org.id).limit(1)):
        raise Conflict(f"Organisation {name!r} already has learners: choose another name.")
    rng = random.Random(learners)
    ref = await organisations.local_today(session, org.id)
    rows = Rows(session, org.id, datetime.now(UTC))
    domain = f"{ascii_slug(name.replace(' ', '-'))[:30]}-{org.id[:8]}.bench.relais.dev"
    admin_email = f"admin@{domain}"
    rows.add(
        User,
        email=admin_email,
        first_name="Admin",
        last_name="Bench",
        roles=["admin"],
        active=True,
        password_hash=hash_password(BENCH_PASSWORD),
    )
    team = Team(
        coordinators=add_users(rows, rng, domain, Role.coordinator, max(1, learners // 5000)),
        staff=add_users(rows, rng, domain, Role.staff, max(1, learners // 1000)),
        relations=add_users(rows, rng, domain, Role.company_relations, max(1, learners // 110)),
        referents=add_users(rows, rng, domain, Role.referent, max(2, learners // 60)),
        prescribers=add_users(rows, rng, domain, Role.prescriber, max(1, learners // 200)),
    )
    groups = max(1, round(learners / (COHORT_SIZE * len(CATALOGUE) * 3)))
    cohorts = add_cohorts(rows, rng, ref, CATALOGUE, groups, team.referents)
    # At least one company per programme, so that every sector can place its learners.
    companies = max(len(CATALOGUE), learners // 3)
    employers = add_companies(rows, rng, ref, companies, CATALOGUE, team.relations)
    histories = Histories(rows, rng, ref, team, cohorts, employers)
    try:
        for status in status_plan(learners, rng):
            histories.learner(status, histories.cohort_for(status))
            await rows.maybe_flush()
        await rows.flush()
    finally:
        await rows.settle()  # never leave a batch being written behind
    return Generated(org.id, admin_email, BENCH_PASSWORD, dict(rows.counts))
