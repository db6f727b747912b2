"""The follow-up log: who may read an entry (its visibility, from ``scope``), who may write one.

Writing is wider than the organisation's team: a referent writes on the learners they follow, a
company tutor shares entries (visibility ``company`` or ``all``) on the contracts they tutor, and
a learner logs their own job-search steps. An entry is then changed only by its author or by the
team. References are checked against what the caller may see, so that a bad or hidden id is a
422 naming the field, never a hint that the object exists."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Forbidden, ValidationFailed
from app.models import Company, Contract, FollowUpEntry, Learner, Role, Tutor
from app.schemas.follow_up_entry import FollowUpEntryRead
from app.services import scope
from app.services.alerts import scan as alerts
from app.services.organisations import local_today
from app.services.resource import Resource

# Besides the organisation's writers, the roles that may add entries (each within its rules).
AUTHORING_ROLES = frozenset({Role.referent, Role.tutor, Role.learner})
COMPANY_VISIBLE = ("company", "all")
LEARNER_VISIBLE = ("learner", "all")
EDITABLE = (
    "learner_id",
    "contract_id",
    "company_id",
    "kind",
    "occurred_on",
    "summary",
    "body",
    "visibility",
    "next_step",
    "next_step_due_on",
)
REQUIRED = ("learner_id", "kind", "occurred_on", "summary", "visibility")
EARLIEST = date(2000, 1, 1)
# Tomorrow is accepted: a client a few time zones away may already be there.
GRACE = timedelta(days=1)


def _bad(field: str, msg: str) -> ValidationFailed:
    return ValidationFailed.on(["body", field], msg)


def _as(principal: Principal, role: Role) -> Principal:
    """The same caller seen through one of their roles only (for per-role write rules)."""
    return Principal(
        kind=principal.kind,
        id=principal.id,
        organisation_id=principal.organisation_id,
        roles=frozenset({role}),
    )


class FollowUpEntries(Resource[FollowUpEntry, FollowUpEntryRead]):
    name = "follow_up_entry"
    model = FollowUpEntry
    read_schema = FollowUpEntryRead

    def condition(self, principal: Principal) -> ColumnElement[bool]:
        return scope.follow_up_entry_condition(principal)

    async def after_write(
        self, session: AsyncSession, principal: Principal, obj: FollowUpEntry
    ) -> None:
        # Entries feed no_follow_up, trial_period_check, post-contract checks and the risk score.
        await alerts.trigger(session, principal, [obj.learner_id])

    def check_may_write(self, principal: Principal, obj: FollowUpEntry | None) -> None:
        if principal.writes_organisation:
            return
        if obj is None:
            if not principal.has_any(AUTHORING_ROLES):
                raise Forbidden("Your role reads the follow-up log but may not add to it.")
            return
        if obj.author_id is None or obj.author_id != principal.user_id:
            raise Forbidden("Only its author or the organisation's team may change this entry.")

    async def prepare(
        self,
        session: AsyncSession,
        principal: Principal,
        values: dict[str, Any],
        obj: FollowUpEntry | None,
    ) -> dict[str, Any]:
        for field in REQUIRED:
            if field in values and values[field] is None:
                raise _bad(field, "Field required: it may not be null.")
        if "next_step" in values and not values["next_step"] and "next_step_due_on" not in values:
            values["next_step_due_on"] = None  # clearing the step clears its due date
        current = {} if obj is None else {k: getattr(obj, k) for k in EDITABLE}
        merged = {**current, **values}
        learner = await session.scalar(
            select(Learner).where(
                Learner.id == merged["learner_id"], scope.learner_condition(principal)
            )
        )
        if learner is None:
            raise _bad("learner_id", "No learner with this id that you may see.")
        contract = await self._contract(session, principal, merged, learner)
        if contract is not None:
            # Filled from the contract when left out, or when the entry moves to another one.
            moved = obj is None or "contract_id" in values or "company_id" in values
            if values.get("company_id") is None and moved:
                values["company_id"] = merged["company_id"] = contract.company_id
            if merged["company_id"] != contract.company_id:
                raise _bad("company_id", "The company must be the contract's company.")
        elif values.get("company_id") is not None:
            visible = await session.scalar(
                select(Company.id).where(
                    Company.id == values["company_id"], scope.company_condition(principal)
                )
            )
            if visible is None:
                raise _bad("company_id", "No company with this id that you may see.")
        await self._check_dates(session, principal, merged)
        await self._check_role_rules(session, principal, merged, learner, contract)
        if obj is None:
            values["author_id"] = principal.user_id  # machine clients author nothing: null
        return values

    async def _contract(
        self,
        session: AsyncSession,
        principal: Principal,
        merged: Mapping[str, Any],
        learner: Learner,
    ) -> Contract | None:
        if merged.get("contract_id") is None:
            return None
        contract = await session.scalar(
            select(Contract).where(
                Contract.id == merged["contract_id"], scope.contract_condition(principal)
            )
        )
        if contract is None:
            raise _bad("contract_id", "No contract with this id that you may see.")
        if contract.learner_id != learner.id:
            raise _bad("contract_id", "This contract belongs to another learner.")
        return contract

    async def _check_dates(
        self, session: AsyncSession, principal: Principal, merged: Mapping[str, Any]
    ) -> None:
        occurred_on: date = merged["occurred_on"]
        latest = await local_today(session, principal.organisation_id) + GRACE
        if occurred_on > latest:
            raise _bad("occurred_on", f"An entry records what happened: not after {latest}.")
        if occurred_on < EARLIEST:
            raise _bad("occurred_on", f"Not before {EARLIEST}.")
        due = merged.get("next_step_due_on")
        if due is not None:
            if not merged.get("next_step"):
                raise _bad("next_step_due_on", "A due date needs a next_step.")
            if due < occurred_on:
                raise _bad("next_step_due_on", "The next step is due on or after occurred_on.")

    async def _check_role_rules(
        self,
        session: AsyncSession,
        principal: Principal,
        merged: Mapping[str, Any],
        learner: Learner,
        contract: Contract | None,
    ) -> None:
        """The caller may write this entry if any one of their roles allows it."""
        if principal.writes_organisation:
            return
        if Role.referent in principal.roles:
            followed = await session.scalar(
                select(Learner.id).where(
                    Learner.id == learner.id,
                    scope.learner_condition(_as(principal, Role.referent)),
                )
            )
            if followed is not None:
                return
        reasons: list[str] = []
        if Role.tutor in principal.roles:
            if contract is None and not principal.has_any({Role.referent, Role.learner}):
                raise _bad("contract_id", "A tutor's entry names the contract they tutor.")
            tutors = await self._my_tutor(session, principal, contract)
            if merged["visibility"] in COMPANY_VISIBLE and tutors:
                return
            reasons.append(
                "a tutor shares entries of visibility company or all, on a contract they tutor"
            )
        if Role.learner in principal.roles:
            if (
                learner.user_id == principal.id
                and merged["kind"] == "job_search"
                and merged["visibility"] in LEARNER_VISIBLE
            ):
                return
            reasons.append(
                "a learner logs their own job_search steps, of visibility learner or all"
            )
        because = "; ".join(reasons or ["this learner is not one you follow"])
        raise Forbidden(f"You may not write this entry: {because}.")

    async def _my_tutor(
        self, session: AsyncSession, principal: Principal, contract: Contract | None
    ) -> bool:
        if contract is None or contract.tutor_id is None:
            return False
        found = await session.scalar(
            select(Tutor.id).where(Tutor.id == contract.tutor_id, Tutor.user_id == principal.id)
        )
        return found is not None

    def filter(self, stmt: Select[Any], filters: Mapping[str, Any]) -> Select[Any]:
        plain = {k: v for k, v in filters.items() if k not in ("occurred_from", "occurred_to")}
        stmt = super().filter(stmt, plain)
        if filters.get("occurred_from") is not None:
            stmt = stmt.where(FollowUpEntry.occurred_on >= filters["occurred_from"])
        if filters.get("occurred_to") is not None:
            stmt = stmt.where(FollowUpEntry.occurred_on <= filters["occurred_to"])
        return stmt


follow_up_entries = FollowUpEntries()
