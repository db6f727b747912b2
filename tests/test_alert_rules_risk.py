"""``rupture_risk``: the explainable break-risk score, factor by factor."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.services.alerts.catalogue import CATALOGUE
from app.services.alerts.rules.rupture_risk_score import Factors, score
from tests.factories import World
from tests.helpers_alerts import SEPT, Data, one, run

CODE = "rupture_risk"
AS_OF = date(2026, 10, 20)
DEFAULTS = CATALOGUE[CODE].defaults


def points(facts: dict[str, Any]) -> dict[str, int]:
    return {f["factor"]: f["points"] for f in facts["factors"]}


def factors(**values: Any) -> Factors:
    base: dict[str, Any] = {
        "unjustified_absences": 0,
        "incidents": 0,
        "company_sensitive": False,
        "company_breaks": 0,
        "review_overdue": [],
        "days_in_company": 100,
        "fragile": False,
        "housing_need": False,
        "transport_need": False,
        "age": 20,
        "days_since_follow_up": 3,
        "follow_up_days": 60,
        "trial_period_days": 45,
    }
    return Factors(**(base | values))


def test_score_caps_each_factor_and_the_total() -> None:
    total, listed = score(factors(), DEFAULTS)
    assert total == 0
    assert [f["factor"] for f in listed] == [
        "unjustified_absences",
        "incidents",
        "company_at_risk",
        "review_overdue",
        "first_45_days",
        "fragile",
        "housing_need",
        "transport_need",
        "under_18",
        "no_follow_up",
    ]
    total, listed = score(factors(unjustified_absences=9, incidents=5), DEFAULTS)
    assert total == 60  # 45 capped at 30, 75 capped at 30
    everything = factors(
        unjustified_absences=9,
        incidents=5,
        company_breaks=1,
        review_overdue=["visit_overdue"],
        days_in_company=0,
        fragile=True,
        housing_need=True,
        transport_need=True,
        age=16,
        days_since_follow_up=None,
    )
    total, listed = score(everything, DEFAULTS)
    assert total == 100  # 125 capped
    assert sum(f["points"] for f in listed) == 125
    assert score(factors(days_in_company=-3), DEFAULTS)[0] == 0  # not in company yet
    assert score(factors(days_since_follow_up=60), DEFAULTS)[0] == 5


async def test_risky_contract_scores_with_every_factor_listed(
    session: AsyncSession, world: World
) -> None:
    data = Data(session, world)
    learner = await data.enrolled_learner(fragile=True, needs=["housing", "transport", "health"])
    company = await data.company(sensitive=True)
    contract = await data.contract(learner, SEPT, company=company, practical_start_date=SEPT)
    for n in range(3):
        await data.absence(learner, date(2026, 10, 10 + n))
    await data.absence(learner, date(2026, 10, 9), justified=True)
    await data.entry(learner, date(2026, 10, 5), kind="incident")
    await data.entry(learner, date(2026, 10, 10), kind="call")
    calm = await data.enrolled_learner()
    await data.contract(calm, SEPT)
    # A risky learner's contract that is over is not scored.
    await data.contract(learner, date(2025, 9, 1), date(2026, 6, 30), status="completed")
    await data.save()

    found = one(await run(session, world, CODE, AS_OF))
    assert (found.subject_type, found.subject_id) == ("contract", contract.id)
    assert (found.learner_id, found.company_id) == (learner.id, company.id)
    assert (found.severity, found.owner_id) == ("warning", world.referent.id)
    assert found.facts == {
        "score": 65,
        "threshold": 50,
        "factors": [
            {"factor": "unjustified_absences", "value": 3, "points": 15},
            {"factor": "incidents", "value": 1, "points": 15},
            {
                "factor": "company_at_risk",
                "value": {"sensitive": True, "breaks_last_year": 0},
                "points": 15,
            },
            {"factor": "review_overdue", "value": [], "points": 0},
            {"factor": "first_45_days", "value": 49, "points": 0},
            {"factor": "fragile", "value": True, "points": 10},
            {"factor": "housing_need", "value": True, "points": 5},
            {"factor": "transport_need", "value": True, "points": 5},
            {"factor": "under_18", "value": 21, "points": 0},
            {"factor": "no_follow_up", "value": 10, "points": 0},
        ],
    }
    # The weights are parameters.
    lighter = one(await run(session, world, CODE, AS_OF, {"points_fragile": 0}))
    assert lighter.facts["score"] == 55
    assert await run(session, world, CODE, AS_OF, {"warning_score": 70}) == []

    await data.entry(learner, date(2026, 10, 18), kind="incident")
    await data.save()
    critical = one(await run(session, world, CODE, AS_OF))
    assert (critical.severity, critical.facts["score"], critical.facts["threshold"]) == (
        "critical",
        80,
        75,
    )


async def test_review_overdue_first_days_and_age_factors(
    session: AsyncSession, world: World
) -> None:
    data = Data(session, world)
    learner = await data.enrolled_learner(birth_date=date(2010, 1, 1))
    contract = await data.contract(learner, SEPT, practical_start_date=date(2026, 11, 1))
    await data.save()
    as_of = date(2026, 12, 1)  # 91 days after the start, 30 in company
    assert await run(session, world, CODE, as_of) == []
    found = one(await run(session, world, CODE, as_of, {"warning_score": 30}))
    assert found.subject_id == contract.id
    facts = {f["factor"]: (f["value"], f["points"]) for f in found.facts["factors"]}
    assert facts["review_overdue"] == (["visit_overdue", "two_month_interview_missing"], 10)
    assert facts["first_45_days"] == (30, 10)
    assert facts["under_18"] == (16, 5)
    assert facts["no_follow_up"] == (None, 5)
    assert found.facts["score"] == 30
    # Done visit and interview: the factor no longer counts (no alert rows involved).
    await data.review(contract, "visit", done_on=date(2026, 11, 20))
    await data.review(contract, "two_month_interview", done_on=date(2026, 11, 20))
    await data.save()
    found = one(await run(session, world, CODE, as_of, {"warning_score": 20}))
    assert points(found.facts)["review_overdue"] == 0
    assert found.facts["score"] == 20
