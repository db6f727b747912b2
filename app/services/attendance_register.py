"""Taking the register: the marks of a cohort's learners for one slot, in one request.

Each row is an upsert on (learner, day, slot): a mark that does not exist is created, one that
differs is changed, one already as sent is left alone (no new version, no audit event), so the
same register sent twice gives the same marks. Everything is checked before anything is
written: one bad row and nothing changes. Learners without a row are left as they are."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Forbidden, ValidationFailed
from app.models import AttendanceMark
from app.schemas.attendance import RegisterCreate, RegisterRead
from app.services import attendance_checks as checks
from app.services import records
from app.services.alerts.scan import trigger
from app.services.attendance import NAME, attendance, changed, settle


async def _validate(session: AsyncSession, principal: Principal, data: RegisterCreate) -> None:
    """Every fault of the request at once, each named by its field or row."""
    errors = checks.slot_errors(data.half_day, data.session_label, data.day, ["body"])
    if not await checks.cohort_exists(session, principal, data.cohort_id):
        errors.append(checks.error(["body", "cohort_id"], "No cohort with this id."))
    ids = [row.learner_id for row in data.marks]
    visible = await checks.visible_learners(session, principal, ids)
    enrolled = await checks.enrolled_cohorts(session, principal, ids, data.day)
    today = await checks.today(session, principal)
    seen: set[str] = set()
    for i, row in enumerate(data.marks):
        loc: checks.Loc = ["body", "marks", i]
        if row.learner_id in seen:
            errors.append(checks.error([*loc, "learner_id"], "This learner has two rows."))
        elif row.learner_id not in visible:
            errors.append(
                checks.error([*loc, "learner_id"], "No learner with this id that you may see.")
            )
        elif data.cohort_id not in enrolled.get(row.learner_id, []):
            errors.append(
                checks.error(
                    [*loc, "learner_id"],
                    f"The learner is not enrolled in this cohort on {data.day}.",
                )
            )
        seen.add(row.learner_id)
        errors += checks.status_errors(row.model_dump(), data.day, today, loc)
    if errors:
        raise ValidationFailed("The register is not valid: nothing was recorded.", errors=errors)


async def register(
    session: AsyncSession, principal: Principal, data: RegisterCreate
) -> RegisterRead:
    checks.check_may_record_at_all(principal)
    await _validate(session, principal, data)
    ids = [row.learner_id for row in data.marks]
    kind, refused = await checks.forbidden_rows(session, principal, data.cohort_id, data.day, ids)
    if refused:
        raise Forbidden(
            checks.refusal(kind, data.day) + " Nothing was recorded.",
            errors=[
                checks.error(["body", "marks", i, "learner_id"], "You may not record this mark.")
                for i in refused
            ],
        )
    existing = {
        mark.learner_id: mark
        for mark in await session.scalars(
            select(AttendanceMark).where(
                AttendanceMark.organisation_id == principal.organisation_id,
                AttendanceMark.learner_id.in_(sorted(set(ids))),
                AttendanceMark.day == data.day,
                AttendanceMark.half_day == data.half_day,
                AttendanceMark.session_label == data.session_label,
            )
        )
    }
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    marks: list[AttendanceMark] = []
    touched: list[str] = []
    for row in data.marks:
        obj = existing.get(row.learner_id)
        values: dict[str, Any] = {"cohort_id": data.cohort_id, **row.model_dump(exclude_unset=True)}
        values = settle(obj, values)
        if obj is None:
            values.update(day=data.day, half_day=data.half_day, session_label=data.session_label)
            values["recorded_by_id"] = principal.user_id
            obj = await records.create(session, principal, AttendanceMark(**values), NAME)
            counts["created"] += 1
            touched.append(obj.learner_id)
        elif changed(obj, values):
            values["recorded_by_id"] = principal.user_id
            await records.update(session, principal, obj, values, NAME)
            counts["updated"] += 1
            touched.append(obj.learner_id)
        else:
            counts["unchanged"] += 1
        marks.append(obj)
    await trigger(session, principal, touched)
    return RegisterRead(**counts, marks=await attendance.to_read(session, principal, marks))
