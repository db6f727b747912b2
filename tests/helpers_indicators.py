"""A data set whose indicator values are known by construction (see ``EXPECTED`` comments in
tests/test_indicators_values.py). Window: 2025-09-01 to 2026-06-30."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.models import (
    Alert,
    AttendanceMark,
    Cohort,
    Company,
    Contract,
    ContractEvent,
    Enrolment,
    FollowUpEntry,
    Learner,
    Programme,
    Review,
)
from tests.factories import Actor, World, make_user

FROM, TO = date(2025, 9, 1), date(2026, 6, 30)
WINDOW = {"from": FROM.isoformat(), "to": TO.isoformat()}


@dataclass
class Seed:
    ids: dict[str, str] = field(default_factory=dict)
    owner_b: Actor | None = None

    def __getitem__(self, name: str) -> str:
        return self.ids[name]


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


async def seed(session: AsyncSession, settings: Settings, world: World) -> Seed:
    org = world.organisation.id
    out = Seed()
    out.owner_b = await make_user(session, settings, world.organisation, ["company_relations"])

    async def flush() -> None:
        await session.flush()
        for name, row in rows.items():
            out.ids[name] = row.id

    rows: dict[str, Any] = {}

    def put(name: str, row: Any) -> Any:
        row.organisation_id = org
        session.add(row)
        rows[name] = row
        return row

    put("P1", Programme(title="BTS MCO"))
    put("P2", Programme(title="BUT GEA"))
    await flush()
    put(
        "C0",
        Cohort(
            programme_id=rows["P2"].id,
            name="GEA 24",
            start_date=date(2024, 9, 1),
            end_date=date(2026, 6, 30),
        ),
    )
    put(
        "C1",
        Cohort(
            programme_id=rows["P1"].id,
            name="MCO 25",
            start_date=date(2025, 9, 1),
            end_date=date(2027, 6, 30),
        ),
    )
    put(
        "C2",
        Cohort(
            programme_id=rows["P2"].id,
            name="GEA 25",
            start_date=date(2025, 9, 1),
            end_date=date(2027, 6, 30),
        ),
    )
    put("K1", Company(name="Alpha", owner_id=world.company_relations.id))
    put("K2", Company(name="Beta", owner_id=out.owner_b.id))
    referent = world.referent.id
    for name, mine in (
        ("L1", True),
        ("L2", False),
        ("L3", False),
        ("L4", True),
        ("L5", False),
        ("L6", False),
        ("L7", False),
        ("L8", False),
        ("L9", False),
    ):
        put(
            name,
            Learner(
                first_name=name, last_name="Test", needs=[], referent_id=referent if mine else None
            ),
        )
    await flush()
    ids = out.ids
    for name, cohort, start in (
        ("L1", "C1", date(2025, 9, 1)),
        ("L2", "C1", date(2025, 9, 1)),
        ("L3", "C2", date(2025, 9, 15)),
        ("L4", "C2", date(2025, 9, 1)),
        ("L5", "C1", date(2025, 10, 1)),
        ("L7", "C0", date(2024, 9, 1)),
        ("L8", "C0", date(2024, 9, 1)),
        ("L9", "C1", date(2026, 2, 1)),
    ):
        put(f"E{name}", Enrolment(learner_id=ids[name], cohort_id=ids[cohort], start_date=start))

    def contract(
        name: str,
        learner: str,
        company: str,
        cohort: str,
        start: date,
        end: date,
        status: str,
        kind: str = "apprenticeship",
        **more: Any,
    ) -> None:
        put(
            name,
            Contract(
                kind=kind,
                learner_id=ids[learner],
                company_id=ids[company],
                cohort_id=ids[cohort],
                start_date=start,
                end_date=end,
                status=status,
                sites=[],
                **more,
            ),
        )

    contract("A1", "L1", "K1", "C1", date(2025, 10, 1), date(2027, 6, 30), "registered")
    contract(
        "A2",
        "L2",
        "K1",
        "C1",
        date(2025, 11, 1),
        date(2027, 6, 30),
        "broken",
        break_date=date(2025, 12, 1),
    )
    contract(
        "A3",
        "L3",
        "K2",
        "C2",
        date(2026, 1, 15),
        date(2027, 6, 30),
        "broken",
        practical_start_date=date(2026, 2, 1),
        break_date=date(2026, 5, 1),
    )
    contract("A6", "L6", "K1", "C1", date(2026, 3, 1), date(2027, 6, 30), "draft")
    contract("A7", "L7", "K2", "C0", date(2024, 9, 15), date(2026, 3, 31), "completed")
    contract("A8", "L8", "K1", "C0", date(2024, 10, 1), date(2026, 5, 31), "registered")
    contract(
        "A9",
        "L9",
        "K2",
        "C1",
        date(2026, 1, 20),
        date(2027, 6, 30),
        "signed",
        kind="professionalisation",
    )
    await flush()
    for name, contract_name, on in (
        ("F1", "A1", date(2025, 10, 11)),
        ("F2", "A2", date(2025, 11, 21)),
        ("F3", "A3", date(2026, 2, 15)),
        ("F7", "A7", date(2024, 9, 20)),
    ):
        put(
            name,
            ContractEvent(
                contract_id=ids[contract_name],
                kind="transition",
                from_status="signed",
                to_status="filed",
                on=on,
            ),
        )

    def review(
        name: str,
        contract_name: str,
        learner: str,
        kind: str,
        scheduled: date | None,
        done: date | None,
    ) -> None:
        put(
            name,
            Review(
                contract_id=ids[contract_name],
                learner_id=ids[learner],
                kind=kind,
                scheduled_on=scheduled,
                done_on=done,
                participants=[],
                answers={},
                signoffs=[],
            ),
        )

    review("R1", "A1", "L1", "two_month_interview", None, date(2025, 11, 20))
    review("R3", "A3", "L3", "two_month_interview", None, date(2026, 3, 30))
    review("V1", "A1", "L1", "visit", date(2026, 1, 10), date(2026, 1, 15))
    review("V2", "A2", "L2", "visit", date(2026, 2, 1), None)
    review("V3", "A3", "L3", "visit", date(2026, 3, 1), date(2026, 3, 10))
    for name, learner, author, on in (
        ("N1", "L1", referent, date(2026, 6, 1)),
        ("N4", "L4", world.coordinator.id, date(2026, 6, 30)),
        ("N5", "L5", world.tutor.id, date(2026, 6, 15)),
        ("N3", "L3", world.staff.id, date(2026, 4, 1)),
    ):
        put(
            name,
            FollowUpEntry(
                learner_id=ids[learner],
                kind="note",
                occurred_on=on,
                author_id=author,
                summary="suivi",
            ),
        )
    for name, learner, day, status, justified in (
        ("M1", "L1", date(2025, 10, 5), "present", False),
        ("M2", "L1", date(2025, 10, 6), "absent", False),
        ("M3", "L1", date(2025, 10, 7), "absent", True),
        ("M4", "L1", date(2025, 11, 3), "excused", True),
        ("M5", "L4", date(2026, 1, 5), "late", False),
        ("M0", "L4", date(2025, 8, 20), "absent", False),
    ):
        put(
            name,
            AttendanceMark(learner_id=ids[learner], day=day, status=status, justified=justified),
        )
    for name, learner, rule, severity, status, opened, resolved in (
        ("X1", "L1", "no_follow_up", "warning", "open", date(2026, 3, 1), None),
        (
            "X2",
            "L4",
            "no_employer_after_window",
            "critical",
            "acknowledged",
            date(2026, 4, 1),
            None,
        ),
        ("X3", "L2", "rupture_risk", "warning", "resolved", date(2026, 1, 1), date(2026, 1, 11)),
        ("X4", "L3", "rupture_risk", "critical", "resolved", date(2026, 2, 1), date(2026, 2, 21)),
        ("X5", "L5", "no_follow_up", "warning", "resolved", date(2026, 6, 20), date(2026, 7, 10)),
    ):
        put(
            name,
            Alert(
                learner_id=ids[learner],
                rule=rule,
                severity=severity,
                status=status,
                subject_type="learner",
                subject_id=ids[learner],
                facts={},
                opened_at=_at(opened),
                resolved_at=_at(resolved) if resolved else None,
            ),
        )
    await flush()
    await session.commit()
    return out


async def seed_other(session: AsyncSession, world: World) -> None:
    """Another organisation's contract, started and running in the window: never counted."""
    org = world.organisation.id
    programme = Programme(organisation_id=org, title="Autre")
    company = Company(organisation_id=org, name="Ailleurs")
    learner = Learner(organisation_id=org, first_name="X", last_name="Y", needs=[])
    session.add_all([programme, company, learner])
    await session.flush()
    session.add(
        Contract(
            organisation_id=org,
            kind="apprenticeship",
            learner_id=learner.id,
            company_id=company.id,
            start_date=date(2025, 10, 1),
            end_date=date(2027, 6, 30),
            status="broken",
            break_date=date(2025, 10, 10),
            sites=[],
        )
    )
    await session.commit()
