"""Cohorts: reference data every member of the organisation reads; the CFA office writes.

``referent_ids`` is not a column but the ``cohort_referents`` association (which drives the
referents' learner scope): it is read with the cohort, replaced as a whole when sent, bumps the
cohort's version and is recorded in the audit log like any field."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Select, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Conflict, Forbidden, ValidationFailed
from app.models import AuditEvent, Cohort, Contract, Enrolment, Programme, Role, User
from app.models import cohort_referents as links
from app.models.base import utcnow
from app.schemas.cohort import CohortRead
from app.schemas.common import ExternalRefIn
from app.services import audit, external_refs
from app.services.resource import Resource

WRITERS = frozenset({Role.admin, Role.coordinator, Role.staff})
# Who may follow a cohort: referents and the CFA's own staff, never company or learner side.
REFERENT_ROLES = frozenset(
    {Role.referent, Role.admin, Role.coordinator, Role.staff, Role.company_relations}
)
NOT_NULL = ("programme_id", "name", "start_date", "end_date")


async def referents_of(session: AsyncSession, cohort_ids: Sequence[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    if cohort_ids:
        rows = await session.execute(
            select(links.c.cohort_id, links.c.user_id)
            .where(links.c.cohort_id.in_(list(cohort_ids)))
            .order_by(links.c.cohort_id, links.c.user_id)
        )
        for cohort_id, user_id in rows:
            found[cohort_id].append(user_id)
    return found


class Cohorts(Resource[Cohort, CohortRead]):
    name = "cohort"
    model = Cohort
    read_schema = CohortRead

    def check_may_write(self, principal: Principal, obj: Cohort | None) -> None:
        if not principal.has_any(WRITERS):
            raise Forbidden("Your role may not change cohorts.")

    def filter(self, stmt: Select[Any], filters: Mapping[str, Any]) -> Select[Any]:
        if filters.get("programme_id") is not None:
            stmt = stmt.where(Cohort.programme_id == filters["programme_id"])
        if filters.get("referent_id") is not None:
            stmt = stmt.where(
                Cohort.id.in_(
                    select(links.c.cohort_id).where(links.c.user_id == filters["referent_id"])
                )
            )
        if filters.get("active_on") is not None:
            day = filters["active_on"]
            stmt = stmt.where(Cohort.start_date <= day, Cohort.end_date >= day)
        return stmt

    async def to_read(
        self, session: AsyncSession, principal: Principal, objs: Sequence[Cohort]
    ) -> list[CohortRead]:
        ids = [o.id for o in objs]
        refs = await external_refs.for_objects(session, self.name, ids)
        referents = await referents_of(session, ids)
        return [
            CohortRead.model_validate(
                {
                    **self.attributes(principal, o),
                    "referent_ids": referents.get(o.id, []),
                    "external_refs": refs.get(o.id, []),
                }
            )
            for o in objs
        ]

    async def prepare(
        self,
        session: AsyncSession,
        principal: Principal,
        values: dict[str, Any],
        obj: Cohort | None,
    ) -> dict[str, Any]:
        for key in NOT_NULL:
            if key in values and values[key] is None:
                raise ValidationFailed.on(["body", key], f"{key} may not be null.")
        if "programme_id" in values:
            found = await session.scalar(
                select(Programme.id).where(
                    Programme.id == values["programme_id"],
                    Programme.organisation_id == principal.organisation_id,
                )
            )
            if found is None:
                raise ValidationFailed.on(["body", "programme_id"], "No such programme.")
        start = values.get("start_date", obj.start_date if obj else None)
        end = values.get("end_date", obj.end_date if obj else None)
        if start and end and end < start:
            raise ValidationFailed.on(["body", "end_date"], "end_date is before start_date.")
        # The association is written by create/_apply once the cohort row exists.
        return {k: v for k, v in values.items() if k != "referent_ids"}

    async def create(self, session: AsyncSession, principal: Principal, data: BaseModel) -> Cohort:
        self.check_may_write(principal, None)
        wanted = await self._checked_referents(
            session, principal, getattr(data, "referent_ids", [])
        )
        obj = await super().create(session, principal, data)
        if wanted:
            await self._write_referents(session, obj.id, [], wanted)
            # One creation, one audit event: the referents join the creation's changes.
            event = await session.scalar(
                select(AuditEvent).where(
                    AuditEvent.object_type == self.name,
                    AuditEvent.object_id == obj.id,
                    AuditEvent.action == "create",
                )
            )
            if event is not None:
                event.changes = {**event.changes, "referent_ids": {"from": None, "to": wanted}}
                await session.flush()
        return obj

    async def _apply(
        self,
        session: AsyncSession,
        principal: Principal,
        obj: Cohort,
        values: dict[str, Any],
        data: BaseModel,
        expected_version: int | None,
        extra_refs: Sequence[ExternalRefIn] = (),
    ) -> Cohort:
        wanted = values.get("referent_ids")
        current: list[str] = []
        if wanted is not None:
            wanted = await self._checked_referents(session, principal, wanted)
            current = (await referents_of(session, [obj.id])).get(obj.id, [])
            if wanted == current:
                wanted = None
            else:
                # Touch the row so that the version (the ETag) moves with the referents.
                values = {**values, "updated_at": utcnow()}
        obj = await super()._apply(
            session, principal, obj, values, data, expected_version, extra_refs
        )
        if wanted is not None:
            await self._write_referents(session, obj.id, current, wanted)
            await audit.record(
                session,
                principal,
                action="update",
                object_type=self.name,
                object_id=obj.id,
                changes={"referent_ids": {"from": current, "to": wanted}},
            )
        return obj

    async def _checked_referents(
        self, session: AsyncSession, principal: Principal, user_ids: Sequence[str]
    ) -> list[str]:
        wanted = sorted(set(user_ids))
        if not wanted:
            return []
        users = {
            u.id: u
            for u in await session.scalars(
                select(User).where(
                    User.id.in_(wanted), User.organisation_id == principal.organisation_id
                )
            )
        }
        for index, user_id in enumerate(user_ids):
            user = users.get(user_id)
            if user is None or not REFERENT_ROLES & set(user.roles):
                raise ValidationFailed.on(
                    ["body", "referent_ids", index],
                    "Not a referent or staff member of your organisation.",
                )
        return wanted

    @staticmethod
    async def _write_referents(
        session: AsyncSession, cohort_id: str, current: list[str], wanted: list[str]
    ) -> None:
        gone = set(current) - set(wanted)
        new = [u for u in wanted if u not in current]
        if gone:
            await session.execute(
                delete(links).where(links.c.cohort_id == cohort_id, links.c.user_id.in_(gone))
            )
        if new:
            await session.execute(
                insert(links), [{"cohort_id": cohort_id, "user_id": u} for u in new]
            )
        await session.flush()

    async def before_delete(
        self, session: AsyncSession, principal: Principal, obj: Cohort
    ) -> None:
        # Enrolments and contracts keep the learners' history: they must move first.
        for model in (Enrolment, Contract):
            used = await session.scalar(select(model.id).where(model.cohort_id == obj.id).limit(1))
            if used is not None:
                raise Conflict(f"The cohort still has {model.__tablename__}: it cannot be deleted.")
        await session.execute(delete(links).where(links.c.cohort_id == obj.id))


cohorts = Cohorts()
