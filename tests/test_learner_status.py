"""The derived learner status over whole histories (the national dashboard's rules, with the
documented exception that an open enrolment without contract stays ``enrolled_seeking``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from app.services.learner_status import (
    ContractFacts,
    EnrolmentFacts,
    LearnerStatus,
    derive_status,
    statuses_for,
)
from tests import helpers_learners as make
from tests.factories import World

S = LearnerStatus
SEPT = date(2026, 9, 1)
COHORT_END = date(2028, 6, 30)
ENROLLED = EnrolmentFacts(SEPT, cohort_end_date=COHORT_END)


def day(n: int) -> date:
    """The n-th day after the enrolment started (day 0 is 1 September 2026)."""
    return SEPT + timedelta(days=n)


def contract(status: str, start: int, end: int, broke: int | None = None) -> ContractFacts:
    return ContractFacts(status, day(start), day(end), day(broke) if broke is not None else None)


def test_no_enrolment_is_referred() -> None:
    assert derive_status([], [], SEPT) == S.referred
    # An enrolment that starts later does not count yet.
    assert derive_status([ENROLLED], [], day(-1)) == S.referred
    # A draft contract is not a contract.
    assert derive_status([], [contract("draft", 0, 700)], day(5)) == S.referred


def test_a_running_contract_without_recorded_enrolment_is_under_contract() -> None:
    assert derive_status([], [contract("registered", 0, 700)], day(5)) == S.under_contract


def test_enrolled_without_contract_stays_seeking_while_the_enrolment_is_open() -> None:
    assert derive_status([ENROLLED], [], day(0)) == S.enrolled_seeking
    assert derive_status([ENROLLED], [], day(59)) == S.enrolled_seeking
    # The dashboard would say dropped out after 90 days; the alert flags it, the status stays.
    assert derive_status([ENROLLED], [], day(120)) == S.enrolled_seeking
    drafts = [contract("draft", 10, 700), contract("cancelled", 5, 700),
              contract("rejected", 3, 700)]
    assert derive_status([ENROLLED], drafts, day(30)) == S.enrolled_seeking
    # Signed but not started yet.
    assert derive_status([ENROLLED], [contract("signed", 40, 700)], day(30)) == S.enrolled_seeking


@pytest.mark.parametrize("status", ["signed", "filed", "registered"])
def test_a_live_contract_within_its_dates_is_under_contract(status: str) -> None:
    history = [contract(status, 20, 700)]
    assert derive_status([ENROLLED], history, day(19)) == S.enrolled_seeking
    assert derive_status([ENROLLED], history, day(20)) == S.under_contract
    assert derive_status([ENROLLED], history, day(600)) == S.under_contract


def test_a_break_makes_the_learner_between_contracts_for_180_days_then_dropped_out() -> None:
    history = [contract("broken", 20, 700, broke=100)]
    assert derive_status([ENROLLED], history, day(99)) == S.under_contract  # before the break
    assert derive_status([ENROLLED], history, day(100)) == S.between_contracts
    assert derive_status([ENROLLED], history, day(280)) == S.between_contracts  # day 180
    assert derive_status([ENROLLED], history, day(281)) == S.dropped_out


def test_a_new_contract_after_a_break() -> None:
    history = [contract("broken", 20, 700, broke=100), contract("registered", 150, 700)]
    assert derive_status([ENROLLED], history, day(120)) == S.between_contracts
    assert derive_status([ENROLLED], history, day(150)) == S.under_contract
    # Signed for later: still between contracts until it starts.
    assert derive_status([ENROLLED], history[:1] + [contract("signed", 200, 700)], day(190)) == (
        S.between_contracts
    )
    # Broken again: the 180 days count from the last break.
    again = [contract("broken", 20, 700, broke=100), contract("broken", 150, 700, broke=200)]
    assert derive_status([ENROLLED], again, day(350)) == S.between_contracts
    assert derive_status([ENROLLED], again, day(381)) == S.dropped_out


def test_completed_and_broken_contracts_never_count_as_running() -> None:
    # Completed early while still enrolled, far from the session's end: needs a new employer.
    history = [contract("completed", 0, 300)]
    assert derive_status([ENROLLED], history, day(200)) == S.between_contracts
    # A broken contract with no recorded break date does not run either.
    assert derive_status([ENROLLED], [contract("broken", 0, 700)], day(10)) == S.between_contracts


def test_a_contract_ending_within_60_days_of_the_sessions_end_completes_the_training() -> None:
    history = [contract("completed", 0, (COHORT_END - SEPT).days - 30)]
    assert derive_status([ENROLLED], history, COHORT_END - timedelta(days=10)) == S.completed
    # Its end date passed without the status being moved on: same reading.
    lapsed = [contract("registered", 0, (COHORT_END - SEPT).days - 30)]
    assert derive_status([ENROLLED], lapsed, COHORT_END - timedelta(days=10)) == S.completed


@pytest.mark.parametrize(
    ("reason", "expected"),
    [("completed", S.completed), ("dropped_out", S.dropped_out), ("excluded", S.dropped_out)],
)
def test_an_explicit_end_reason_decides(reason: str, expected: LearnerStatus) -> None:
    ended = EnrolmentFacts(SEPT, day(200), reason, COHORT_END)
    running = [contract("registered", 0, 700)]
    assert derive_status([ended], running, day(199)) == S.under_contract
    assert derive_status([ended], running, day(200)) == expected
    assert derive_status([ended], [], day(400)) == expected


def test_an_enrolment_ended_otherwise_is_judged_by_the_history_at_its_end() -> None:
    for reason in ("transferred", "other", None):
        ended = EnrolmentFacts(SEPT, day(300), reason, COHORT_END)
        assert derive_status([ended], [contract("registered", 0, 700)], day(310)) == S.completed
        assert derive_status([ended], [], day(310)) == S.dropped_out
        long_break = [contract("broken", 0, 700, broke=50)]
        assert derive_status([ended], long_break, day(310)) == S.dropped_out
        short_break = [contract("broken", 0, 700, broke=250)]
        assert derive_status([ended], short_break, day(310)) == S.completed


def test_the_cohort_end_ends_an_open_enrolment() -> None:
    history = [contract("registered", 0, (COHORT_END - SEPT).days + 60)]
    assert derive_status([ENROLLED], history, COHORT_END - timedelta(days=1)) == S.under_contract
    # Training over while the contract runs on: end of training, as on the dashboard.
    assert derive_status([ENROLLED], history, COHORT_END + timedelta(days=10)) == S.completed
    assert derive_status([ENROLLED], [], COHORT_END) == S.dropped_out


def test_a_transfer_to_another_cohort_keeps_the_learner_enrolled() -> None:
    first = EnrolmentFacts(SEPT, day(100), "transferred", COHORT_END)
    second = EnrolmentFacts(day(101), None, None, COHORT_END)
    assert derive_status([first, second], [], day(150)) == S.enrolled_seeking
    assert derive_status([first, second], [contract("filed", 120, 700)], day(150)) == (
        S.under_contract
    )


def test_a_full_journey() -> None:
    history = [
        contract("broken", 30, 700, broke=200),
        contract("registered", 260, 660),
    ]
    ended = EnrolmentFacts(SEPT, day(665), "completed", COHORT_END)
    journey = {
        -5: S.referred,
        0: S.enrolled_seeking,
        30: S.under_contract,
        200: S.between_contracts,
        259: S.between_contracts,
        260: S.under_contract,
        660: S.under_contract,
        661: S.completed,  # the contract ended close to the session's end
        665: S.completed,
    }
    for n, expected in journey.items():
        assert derive_status([ended], history, day(n)) == expected, n


@contextmanager
def count_queries(app: FastAPI) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_a_page_of_learners_is_computed_in_two_queries(
    app: FastAPI, session: AsyncSession, world: World, other_world: World
) -> None:
    today = date.today()
    promo = await make.cohort(
        session, world, start_date=today - timedelta(days=100), end_date=today + timedelta(days=400)
    )
    company, tutor = await make.company_with_tutor(session, world)
    referred = await make.learner(session, world)
    seeking = await make.learner(session, world)
    working = await make.learner(session, world)
    broken = await make.learner(session, world)
    for row in (seeking, working, broken):
        await make.enrolment(session, world, row, promo)
    await make.contract(session, world, working, company, tutor,
                        start_date=today - timedelta(days=50), end_date=today + timedelta(days=300))
    await make.contract(session, world, broken, company, tutor, status="broken",
                        start_date=today - timedelta(days=50), end_date=today + timedelta(days=300),
                        break_date=today - timedelta(days=5))
    ids = [referred.id, seeking.id, working.id, broken.id]
    with count_queries(app) as statements:
        statuses = await statuses_for(session, world.organisation.id, ids, today)
    assert len(statements) == 2
    assert statuses == {
        referred.id: S.referred,
        seeking.id: S.enrolled_seeking,
        working.id: S.under_contract,
        broken.id: S.between_contracts,
    }
    # Another organisation's rows never take part.
    foreign = await statuses_for(session, other_world.organisation.id, ids, today)
    assert set(foreign.values()) == {S.referred}
