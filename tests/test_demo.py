"""The demo organisation and the benchmark data: shaped like a CFA, consistent, repeatable."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from stdnum.fr import siret

from app.errors import Conflict
from app.models import (
    Alert,
    Cohort,
    Company,
    Contract,
    ContractEvent,
    FollowUpEntry,
    Learner,
    Organisation,
    Programme,
    Tutor,
    User,
    cohort_referents,
)
from app.services import demo, demo_generate
from app.services.contract_lifecycle import TRANSITIONS
from app.services.learner_status import LearnerStatus, statuses_for
from app.services.organisations import local_today

MODELS = (User, Programme, Cohort, Company, Tutor, Learner, Contract, ContractEvent, FollowUpEntry)


async def _counts(session: AsyncSession, organisation_id: str) -> dict[str, int]:
    return {
        model.__name__: await session.scalar(
            select(func.count()).select_from(model).where(model.organisation_id == organisation_id)
        )
        or 0
        for model in MODELS
    }


async def _statuses(session: AsyncSession, organisation_id: str) -> Counter[str]:
    ids = list(
        await session.scalars(select(Learner.id).where(Learner.organisation_id == organisation_id))
    )
    today = await local_today(session, organisation_id)
    return Counter((await statuses_for(session, organisation_id, ids, today)).values())


async def _demo_org(session: AsyncSession) -> str:
    org_id = await session.scalar(
        select(Organisation.id).where(Organisation.name == demo.DEMO_ORGANISATION)
    )
    assert org_id is not None
    return org_id


async def test_load_is_idempotent_and_shaped_like_a_cfa(session: AsyncSession) -> None:
    logins = await demo.load(session)
    await session.commit()
    org_id = await _demo_org(session)
    first = await _counts(session, org_id)
    assert await demo.load(session) == logins
    await session.commit()
    assert await _counts(session, org_id) == first
    assert await session.scalar(select(func.count()).select_from(Organisation)) == 1
    assert first["Learner"] == 300 and 3 <= first["Programme"] <= 5
    assert first["Company"] >= 200 and first["Tutor"] >= first["Company"]
    assert first["FollowUpEntry"] >= 2 * first["Learner"]
    assert set(await _statuses(session, org_id)) == set(LearnerStatus)
    sirets = list(
        await session.scalars(select(Company.siret).where(Company.organisation_id == org_id))
    )
    assert all(siret.is_valid(number or "") for number in sirets)
    assert len(set(sirets)) == len(sirets)  # unique in an organisation
    rows = await session.execute(
        select(FollowUpEntry.kind, FollowUpEntry.visibility).where(
            FollowUpEntry.organisation_id == org_id
        )
    )
    kinds, visibilities = zip(*rows.all(), strict=True)
    assert len(set(kinds)) == 10 and set(visibilities) == {"internal", "learner", "company", "all"}


async def test_contract_history_matches_the_status(session: AsyncSession) -> None:
    await demo.load(session)
    await session.commit()
    org_id = await _demo_org(session)
    contracts = {
        c.id: c
        for c in await session.scalars(select(Contract).where(Contract.organisation_id == org_id))
    }
    assert {c.status for c in contracts.values()} == {s.value for s in TRANSITIONS}
    events = await session.scalars(
        select(ContractEvent)
        .where(ContractEvent.organisation_id == org_id)
        .order_by(ContractEvent.contract_id, ContractEvent.occurred_at)
    )
    history: dict[str, list[ContractEvent]] = {}
    for event in events:
        history.setdefault(event.contract_id, []).append(event)
    today = await local_today(session, org_id)
    for contract_id, contract in contracts.items():
        moves = [e for e in history[contract_id] if e.kind != "tutor_change"]
        assert moves[0].kind == "created" and moves[0].to_status == "draft"
        for before, after in zip(moves, moves[1:], strict=False):
            assert after.from_status == before.to_status
            assert after.to_status in TRANSITIONS[before.to_status], contract_id  # type: ignore[index]
        assert moves[-1].to_status == contract.status
        assert all(e.on <= today for e in history[contract_id])
        if contract.status == "broken":
            assert contract.break_date == moves[-1].on and contract.break_initiator


async def test_demo_accounts_are_wired_and_logins_work(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    logins = await demo.load(session)
    await session.commit()
    users = {u.email: u for u in await session.scalars(select(User))}
    tutor = users[demo.demo_email("tutor")]
    tutored = await session.scalar(
        select(func.count())
        .select_from(Contract)
        .join(Tutor, Tutor.id == Contract.tutor_id)
        .where(Tutor.user_id == tutor.id)
    )
    assert 1 <= (tutored or 0) <= 3
    learner = await session.scalar(
        select(Learner).where(Learner.user_id == users[demo.demo_email("learner")].id)
    )
    assert learner is not None
    prescribed = await session.scalar(
        select(func.count())
        .select_from(Learner)
        .where(Learner.prescriber_id == users[demo.demo_email("prescriber")].id)
    )
    assert (prescribed or 0) >= 5
    followed = await session.scalar(
        select(func.count())
        .select_from(cohort_referents)
        .where(cohort_referents.c.user_id == users[demo.demo_email("referent")].id)
    )
    assert (followed or 0) >= 1
    for role, email, password in logins:
        token = await client.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": email, "password": password},
        )
        assert token.status_code == 200, role
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        entries = await client.get("/api/v1/follow-up-entries", headers=headers)
        assert entries.status_code == 200
        if role == "learner":
            assert entries.json()["items"]
            assert {e["learner_id"] for e in entries.json()["items"]} == {learner.id}


def _ratios(counts: dict[str, Any], learners: int) -> dict[str, float]:
    return {key: value / learners for key, value in counts.items()}


async def test_generate_is_deterministic_and_proportional(session: AsyncSession) -> None:
    first = await demo_generate.generate(session, 200, "Bench A")
    await session.commit()
    second = await demo_generate.generate(session, 200, "Bench B")
    await session.commit()
    assert first.counts == second.counts
    assert first.organisation_id != second.organisation_id
    assert await _counts(session, first.organisation_id) == await _counts(
        session, second.organisation_id
    )
    ratios = _ratios(first.counts, 200)
    assert first.counts["learners"] == 200 and first.counts["companies"] == 200 // 3
    assert 0.6 <= ratios["contracts"] <= 1.0
    assert 2.5 <= ratios["follow_up_entries"] <= 3.5
    assert first.counts["tutors"] >= first.counts["companies"]
    assert set(await _statuses(session, first.organisation_id)) == set(LearnerStatus)
    with pytest.raises(Conflict):
        await demo_generate.generate(session, 200, "Bench A")


async def test_the_demo_shows_who_is_at_risk_today(session: AsyncSession) -> None:
    await demo.load(session)
    await session.commit()
    open_alerts = select(func.count()).select_from(Alert).where(Alert.status == "open")
    opened = await session.scalar(open_alerts)
    assert opened and opened > 0
    rules = set(await session.scalars(select(Alert.rule).distinct()))
    assert {"no_employer_after_window", "rupture_risk"} & rules
    await demo.load(session)  # a second load re-scans: nothing new
    await session.commit()
    assert await session.scalar(open_alerts) == opened
