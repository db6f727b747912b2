"""Attendance marks, one at a time: who sees them (the learners they see), who records them
(``attendance_checks``), justifications, and the alert rules re-evaluated after each change.

A mark is read by whoever sees its learner (``scope.learner_condition``): the whole team and
auditors, the referent, the tutors of the learner, the learner, their prescriber. Every change
is audited as ``attendance_mark`` and re-evaluates the alert rules for the learner in the same
transaction (``absences_threshold`` opens or clears with it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Conflict, ValidationFailed
from app.models import AttendanceMark
from app.models.base import utcnow
from app.schemas.attendance import AttendanceMarkRead, JustificationCreate
from app.services import attendance_checks as checks
from app.services import records, scope
from app.services.alerts.scan import trigger
from app.services.resource import Resource

NAME = "attendance_mark"
# Becoming present clears these: a present learner has nothing to justify.
NO_JUSTIFICATION: dict[str, Any] = {"justified": False, "document_ref": None, "justified_at": None}
RANGES = ("from", "to")


def settle(obj: AttendanceMark | None, values: dict[str, Any]) -> dict[str, Any]:
    """The consequences of a status change on the other fields of the mark."""
    status = values.get("status", obj.status if obj else None)
    if status != "late" and "minutes" not in values:
        values["minutes"] = None
    if status == "present" and (obj is None or obj.justified):
        values.update(NO_JUSTIFICATION)
    return values


def changed(obj: AttendanceMark, values: Mapping[str, Any]) -> bool:
    return any(getattr(obj, key) != value for key, value in values.items())


class AttendanceMarks(Resource[AttendanceMark, AttendanceMarkRead]):
    name = NAME
    model = AttendanceMark
    read_schema = AttendanceMarkRead

    def condition(self, principal: Principal) -> ColumnElement[bool]:
        tenant = AttendanceMark.organisation_id == principal.organisation_id
        if principal.sees_whole_organisation:
            return tenant
        return tenant & AttendanceMark.learner_id.in_(scope.visible_learner_ids(principal))

    def check_may_write(self, principal: Principal, obj: AttendanceMark | None) -> None:
        # The day-by-day rule needs the calendar: ``prepare`` and ``delete`` check it.
        checks.check_may_record_at_all(principal)

    async def prepare(
        self,
        session: AsyncSession,
        principal: Principal,
        values: dict[str, Any],
        obj: AttendanceMark | None,
    ) -> dict[str, Any]:
        values = settle(obj, values)
        if obj is None:
            await self._place(session, principal, values)
            learner_id, cohort_id, day = values["learner_id"], values["cohort_id"], values["day"]
            current: dict[str, Any] = {}
        else:
            learner_id, cohort_id, day = obj.learner_id, obj.cohort_id, obj.day
            current = {"status": obj.status, "minutes": obj.minutes}
        today = await checks.today(session, principal)
        errors = checks.status_errors({**current, **values}, day, today, ["body"])
        if errors:
            raise ValidationFailed("The mark is not valid.", errors=errors)
        await checks.check_may_record(session, principal, learner_id, cohort_id, day)
        if obj is None or changed(obj, values):
            values["recorded_by_id"] = principal.user_id
        return values

    async def _place(
        self, session: AsyncSession, principal: Principal, values: dict[str, Any]
    ) -> None:
        """A new mark's slot is well formed, and its learner visible and enrolled that day
        (in ``cohort_id`` when given, which otherwise becomes their cohort of the day)."""
        errors = checks.slot_errors(
            values["half_day"], values["session_label"], values["day"], ["body"]
        )
        if errors:
            raise ValidationFailed("The slot is not valid.", errors=errors)
        learner_id, cohort_id, day = values["learner_id"], values["cohort_id"], values["day"]
        if not await checks.visible_learners(session, principal, [learner_id]):
            raise ValidationFailed.on(
                ["body", "learner_id"], "No learner with this id that you may see."
            )
        if cohort_id is not None and not await checks.cohort_exists(session, principal, cohort_id):
            raise ValidationFailed.on(
                ["body", "cohort_id"], "No cohort with this id in your organisation."
            )
        cohorts = (await checks.enrolled_cohorts(session, principal, [learner_id], day)).get(
            learner_id, []
        )
        if cohort_id is None and cohorts:
            values["cohort_id"] = cohorts[0]
        elif cohort_id not in cohorts:
            where = "in this cohort" if cohort_id else "in any cohort"
            field = "cohort_id" if cohort_id else "learner_id"
            raise ValidationFailed.on(
                ["body", field], f"The learner is not enrolled {where} on {day}."
            )
        taken = await session.scalar(
            self.visible(principal).where(
                AttendanceMark.learner_id == learner_id,
                AttendanceMark.day == day,
                AttendanceMark.half_day == values["half_day"],
                AttendanceMark.session_label == values["session_label"],
            )
        )
        if taken is not None:
            raise Conflict(
                f"The learner already has a mark for this slot (id {taken.id!r}): change it.",
                existing_id=taken.id,
            )

    def filter(self, stmt: Select[Any], filters: Mapping[str, Any]) -> Select[Any]:
        plain = {k: v for k, v in filters.items() if k not in RANGES}
        stmt = super().filter(stmt, plain)
        if filters.get("from") is not None:
            stmt = stmt.where(AttendanceMark.day >= filters["from"])
        if filters.get("to") is not None:
            stmt = stmt.where(AttendanceMark.day <= filters["to"])
        return stmt

    def attributes(self, principal: Principal, obj: AttendanceMark) -> dict[str, Any]:
        values = super().attributes(principal, obj)
        if scope.redacted_learner_fields(principal) and obj.recorded_by_id != principal.user_id:
            # An employer learns that an absence is justified, not why (health, family): the
            # reason and the document stay with the CFA, unless they recorded them themselves.
            values["reason"] = values["document_ref"] = None
        return values

    async def to_read(
        self, session: AsyncSession, principal: Principal, objs: Sequence[AttendanceMark]
    ) -> list[AttendanceMarkRead]:
        # Marks carry no external references: no lookup.
        return [self.read_schema.model_validate(self.attributes(principal, o)) for o in objs]

    async def after_write(
        self, session: AsyncSession, principal: Principal, obj: AttendanceMark
    ) -> None:
        await trigger(session, principal, [obj.learner_id])

    async def delete(
        self,
        session: AsyncSession,
        principal: Principal,
        object_id: str,
        expected_version: int | None,
    ) -> None:
        obj = await self.get(session, principal, object_id)
        self.check_may_write(principal, obj)
        await checks.check_may_record(session, principal, obj.learner_id, obj.cohort_id, obj.day)
        records.check_version(obj, expected_version)
        learner_id = obj.learner_id
        await records.delete(session, principal, obj, NAME)
        await trigger(session, principal, [learner_id])

    async def justify(
        self,
        session: AsyncSession,
        principal: Principal,
        object_id: str,
        data: JustificationCreate | None,
        expected_version: int | None,
    ) -> AttendanceMark:
        """Add (or correct) a justification, or withdraw it when ``data`` is None."""
        obj = await self.get(session, principal, object_id)
        self.check_may_write(principal, obj)
        await checks.check_may_record(session, principal, obj.learner_id, obj.cohort_id, obj.day)
        records.check_version(obj, expected_version)
        if data is None:
            values: dict[str, Any] = dict(NO_JUSTIFICATION)
        elif obj.status == "present":
            raise Conflict("A present learner has nothing to justify.")
        else:
            values = {**data.model_dump(), "justified": True}
            values["justified_at"] = obj.justified_at if obj.justified else utcnow()
        if changed(obj, values):
            values["recorded_by_id"] = principal.user_id
            await records.update(session, principal, obj, values, NAME)
            await trigger(session, principal, [obj.learner_id])
        return obj


attendance = AttendanceMarks()
