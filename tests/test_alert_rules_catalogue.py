"""The catalogue as a whole: every rule of RULES.md declared as documented, evaluation with an
organisation's settings, narrowing to some learners, and tenants never mixed."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.services.alerts.catalogue import CATALOGUE
from app.services.alerts.evaluation import explain, merge_parameters, render
from tests.factories import World
from tests.helpers_alerts import SEPT, Data, run_all

AS_OF = date(2026, 11, 30)

# RULES.md: code -> (subject, default severity, owner).
EXPECTED = {
    "no_employer_after_window": ("learner", "warning", "referent"),
    "between_contracts_too_long": ("learner", "warning", "company_owner"),
    "trial_period_check": ("contract", "warning", "referent"),
    "two_month_interview_missing": ("contract", "warning", "referent"),
    "contract_not_filed": ("contract", "critical", "staff"),
    "opco_decision_late": ("contract", "warning", "staff"),
    "contract_ending_soon": ("contract", "info", "referent"),
    "absences_threshold": ("learner", "warning", "referent"),
    "visit_overdue": ("contract", "warning", "referent"),
    "no_follow_up": ("learner", "info", "referent"),
    "tutor_overloaded": ("tutor", "warning", "company_owner"),
    "apprentice_age_out_of_range": ("contract", "warning", "staff"),
    "sensitive_company_placement": ("contract", "warning", "company_owner"),
    "post_contract_follow_up_due": ("learner", "info", "referent"),
    "rupture_risk": ("contract", "warning", "referent"),
}


def test_every_rule_of_the_catalogue_is_declared_with_texts_source_and_limits() -> None:
    assert {code: (r.subject_type, r.severity, r.owner) for code, r in CATALOGUE.items()} == (
        EXPECTED
    )
    for code, rule in CATALOGUE.items():
        assert rule.code == code
        for texts in (rule.title, rule.explanation):
            assert set(texts) == {"fr", "en"} and all(texts.values()), code
        assert rule.source, code
        assert set(rule.limits) == set(rule.defaults), code
        for name, (kind, low, high) in rule.limits.items():
            value = rule.defaults[name]
            assert low <= value <= high, (code, name)
            assert type(value) is kind, (code, name)


def test_parameters_merge_over_defaults_and_ignore_unknown_names() -> None:
    rule = CATALOGUE["no_employer_after_window"]
    assert merge_parameters(rule, None) == {"warning_days": 60, "critical_days": 90}
    merged = merge_parameters(rule, {"warning_days": 45, "retired": 1})
    assert merged == {"warning_days": 45, "critical_days": 90}


def test_explanations_render_nulls_booleans_and_lists_in_the_language() -> None:
    facts: dict[str, object] = {"a": None, "b": True, "c": ["x", "y"], "d": 3}
    assert render("{a} {b} {c} {d} {missing}", facts, "fr") == "— oui x, y 3 {missing}"
    assert render("{b}", {"b": False}, "en") == "no"
    rule = CATALOGUE["contract_ending_soon"]
    ending = {"days_to_end": 12, "threshold_days": 60, "end_date": "2027-06-30"}
    title, text = explain(rule, ending, "de")  # unknown language: French
    assert title == rule.title["fr"]
    assert "12 jours" in text and "2027-06-30" in text
    assert "in 12 days" in explain(rule, ending, "en")[1]


async def scene(data: Data) -> dict[str, str]:
    """A learner without employer, one whose signed contract is unfiled, and one overloading
    a tutor: ids by name."""
    seeking = await data.enrolled_learner()
    unfiled = await data.enrolled_learner()
    await data.contract(unfiled, date(2026, 11, 2), status="signed")
    company = await data.company()
    tutor = await data.tutor(company)
    busy = [await data.enrolled_learner() for _ in range(3)]
    for learner in busy:
        await data.contract(learner, SEPT, company=company, tutor_id=tutor.id)
    await data.save()
    return {"seeking": seeking.id, "unfiled": unfiled.id, "busy": busy[0].id, "tutor": tutor.id}


async def test_evaluate_runs_enabled_rules_with_the_organisation_parameters(
    session: AsyncSession, world: World
) -> None:
    ids = await scene(Data(session, world))
    found = await run_all(session, world, AS_OF)
    rules = {f.rule for f in found}
    assert {"no_employer_after_window", "contract_not_filed", "tutor_overloaded"} <= rules
    seeking = next(f for f in found if f.rule == "no_employer_after_window")
    assert (seeking.subject_id, seeking.severity) == (ids["seeking"], "critical")

    settings = {
        "contract_not_filed": (False, {}),
        "no_employer_after_window": (True, {"critical_days": 120}),
    }
    found = await run_all(session, world, AS_OF, settings)
    assert "contract_not_filed" not in {f.rule for f in found}
    seeking = next(f for f in found if f.rule == "no_employer_after_window")
    assert seeking.severity == "warning"


async def test_scope_narrows_every_rule_to_the_given_learners(
    session: AsyncSession, world: World
) -> None:
    ids = await scene(Data(session, world))
    everything = await run_all(session, world, AS_OF)
    for name in ("seeking", "unfiled", "busy"):
        narrowed = await run_all(session, world, AS_OF, learner_ids=[ids[name]])
        assert narrowed, name
        for finding in narrowed:
            assert finding.learner_id in (ids[name], None), finding
            assert finding in everything
    busy = await run_all(session, world, AS_OF, learner_ids=[ids["busy"]])
    assert ids["tutor"] in {f.subject_id for f in busy if f.rule == "tutor_overloaded"}
    seeking = await run_all(session, world, AS_OF, learner_ids=[ids["seeking"]])
    assert "tutor_overloaded" not in {f.rule for f in seeking}
    assert await run_all(session, world, AS_OF, learner_ids=[]) == []


async def test_another_organisation_never_appears(
    session: AsyncSession, world: World, other_world: World
) -> None:
    mine = await scene(Data(session, world))
    theirs = await scene(Data(session, other_world))
    found = await run_all(session, world, AS_OF)
    found_there = await run_all(session, other_world, AS_OF)
    assert len(found) == len(found_there) > 0
    my_users = {actor.id for actor in world.actors.values()}
    their_ids = set(theirs.values())
    for finding in found:
        assert finding.owner_id in my_users
        assert finding.subject_id not in their_ids
        assert finding.learner_id not in their_ids
    assert {f.subject_id for f in found} & set(mine.values())
    # Scoped to the other organisation's learners, nothing is found here.
    assert await run_all(session, world, AS_OF, learner_ids=list(their_ids)) == []
