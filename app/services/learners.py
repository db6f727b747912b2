"""Learners: scoped by role (``scope.learner_condition``), redacted for company tutors and
prescribers, with a status derived from enrolments and contracts for today.

Who may change a learner: the organisation's writers; a referent, the learners they follow
(not deleting them); a prescriber may create a learner, whom they then refer. Everyone else
who can see a learner gets 403 on a change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Conflict, Forbidden, ValidationFailed
from app.models import Contract, Enrolment, Learner, Role, User
from app.pagination import MAX_LIMIT, PageRequest
from app.schemas.learner import LearnerRead
from app.services import external_refs, learner_status, organisations, scope
from app.services.alerts import scan as alerts
from app.services.resource import Resource

USER_FIELDS = ("referent_id", "prescriber_id", "user_id")


def _as_referent(principal: Principal) -> Principal:
    return replace(principal, roles=frozenset({Role.referent}))


class Learners(Resource[Learner, LearnerRead]):
    name = "learner"
    model = Learner
    read_schema = LearnerRead

    def condition(self, principal: Principal) -> ColumnElement[bool]:
        return scope.learner_condition(principal)

    def check_may_write(self, principal: Principal, obj: Learner | None) -> None:
        if principal.writes_organisation:
            return
        if obj is None and Role.prescriber in principal.roles:
            return
        # Narrowed in ``check_may_change`` to the learners they follow as a referent.
        if obj is not None and Role.referent in principal.roles:
            return
        action = "create learners" if obj is None else "change this learner"
        raise Forbidden(f"Your role may not {action}.")

    async def check_may_change(
        self, session: AsyncSession, principal: Principal, learner: Learner
    ) -> None:
        """The full rule for changing a learner the caller can see (their enrolments too)."""
        self.check_may_write(principal, learner)
        if principal.writes_organisation:
            return
        followed = await session.scalar(
            select(Learner.id).where(
                Learner.id == learner.id, scope.learner_condition(_as_referent(principal))
            )
        )
        if followed is None:
            raise Forbidden("You may change only the learners you follow as their referent.")

    async def prepare(
        self,
        session: AsyncSession,
        principal: Principal,
        values: dict[str, Any],
        obj: Learner | None,
    ) -> dict[str, Any]:
        if obj is None and not principal.writes_organisation:
            values["prescriber_id"] = principal.id  # a prescriber refers whom they create
        if obj is not None:
            await self.check_may_change(session, principal, obj)
        await _check_users(session, principal, values)
        return values

    def filter(self, stmt: Select[Any], filters: Mapping[str, Any]) -> Select[Any]:
        for key in ("referent_id", "prescriber_id", "user_id"):
            if filters.get(key) is not None:
                stmt = stmt.where(getattr(Learner, key) == filters[key])
        if filters.get("cohort_id") is not None:
            stmt = stmt.where(
                Learner.id.in_(
                    select(Enrolment.learner_id).where(Enrolment.cohort_id == filters["cohort_id"])
                )
            )
        if filters.get("last_name") is not None:
            stmt = stmt.where(func.lower(Learner.last_name) == filters["last_name"].lower())
        if filters.get("updated_since") is not None:
            since: datetime = filters["updated_since"]
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            stmt = stmt.where(Learner.updated_at >= since)
        if filters.get("status_prefilter") is not None:
            stmt = stmt.where(learner_status.prefilter(*filters["status_prefilter"]))
        if filters.get("ids") is not None:
            stmt = stmt.where(Learner.id.in_(filters["ids"]))
        return stmt

    async def list_(
        self,
        session: AsyncSession,
        principal: Principal,
        page: PageRequest,
        filters: Mapping[str, Any],
        external_ref: str | None = None,
    ) -> tuple[list[LearnerRead], str | None]:
        """``status=`` is derived, so it is filtered in two steps: scan the (narrowed) learners
        in order until a page of matches is found, then page over exactly those."""
        wanted = filters.get("status")
        if wanted is None:
            return await super().list_(session, principal, page, filters, external_ref)
        as_of = await organisations.local_today(session, principal.organisation_id)
        scan_filters = {**filters, "status": None, "status_prefilter": (wanted, as_of)}
        scan = PageRequest(limit=MAX_LIMIT, cursor=page.cursor, sort=page.sort)
        matched: list[str] = []
        while len(matched) <= page.limit:
            batch, cursor = await super().list_(
                session, principal, scan, scan_filters, external_ref
            )
            matched += [item.id for item in batch if item.status == wanted]
            if cursor is None:
                break
            scan = replace(scan, cursor=cursor)
        final = {**filters, "status": None, "ids": matched[: page.limit + 1]}
        return await super().list_(session, principal, page, final, external_ref)

    async def to_read(
        self, session: AsyncSession, principal: Principal, objs: Sequence[Learner]
    ) -> list[LearnerRead]:
        ids = [o.id for o in objs]
        as_of = await organisations.local_today(session, principal.organisation_id)
        statuses = await learner_status.statuses_for(session, principal.organisation_id, ids, as_of)
        refs = await external_refs.for_objects(session, self.name, ids)
        return [
            LearnerRead.model_validate(
                {
                    **self.attributes(principal, o),
                    "status": statuses[o.id],
                    "external_refs": refs.get(o.id, []),
                }
            )
            for o in objs
        ]

    def attributes(self, principal: Principal, obj: Learner) -> dict[str, Any]:
        values = super().attributes(principal, obj)
        for field in scope.redacted_learner_fields(principal):
            values[field] = [] if field == "needs" else None
        return values

    def check_may_delete(self, principal: Principal, obj: Learner) -> None:
        # Referents change their learners but do not delete them.
        if not principal.writes_organisation:
            raise Forbidden("Your role may not delete learners.")

    async def after_write(
        self, session: AsyncSession, principal: Principal, obj: Learner
    ) -> None:
        # Fragility, needs, birth date and referent feed the rules (risk score, age, owner).
        await alerts.trigger(session, principal, [obj.id])

    async def before_delete(
        self, session: AsyncSession, principal: Principal, obj: Learner
    ) -> None:
        has_contract = await session.scalar(
            select(Contract.id).where(Contract.learner_id == obj.id).limit(1)
        )
        if has_contract is not None:
            # Contracts are funded, filed documents: they are not deleted along with a learner.
            raise Conflict("This learner has contracts: delete or cancel them first.")


async def _check_users(session: AsyncSession, principal: Principal, values: dict[str, Any]) -> None:
    """referent_id, prescriber_id and user_id must be users of the caller's organisation."""
    wanted = {values[f] for f in USER_FIELDS if values.get(f) is not None}
    if not wanted:
        return
    found = set(
        await session.scalars(
            select(User.id).where(
                User.id.in_(wanted), User.organisation_id == principal.organisation_id
            )
        )
    )
    for field in USER_FIELDS:
        if values.get(field) is not None and values[field] not in found:
            raise ValidationFailed.on(
                ["body", field], f"No user with id {values[field]!r} in your organisation."
            )


learners = Learners()
