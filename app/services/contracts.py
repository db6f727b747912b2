"""Contracts: scoped CRUD with reference checks, the derived ``running`` and ``break`` on
reads, and a contract event for the creation and for every tutor change (who, when, why).
Status moves and the history endpoint are in ``app.services.contract_history``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Conflict, ValidationFailed
from app.models import Contract, ContractEvent
from app.models.contract import ContractStatus
from app.pagination import PageRequest
from app.schemas.common import ExternalRefIn
from app.schemas.contract import ContractRead
from app.services import contract_checks as checks
from app.services import contract_lifecycle as lifecycle
from app.services import external_refs, scope
from app.services.alerts import scan as alerts
from app.services.contract_lifecycle import running_condition
from app.services.organisations import local_today
from app.services.resource import Resource

COLUMNS = (
    "kind",
    "learner_id",
    "company_id",
    "tutor_id",
    "cohort_id",
    "start_date",
    "end_date",
    "practical_start_date",
    "opco",
    "sites",
)


def contract_attributes(obj: Contract, today: date) -> dict[str, Any]:
    """The read shape: stored columns, plus ``break`` and ``running`` derived from them."""
    values: dict[str, Any] = {
        name: getattr(obj, name)
        for name in ("id", "created_at", "updated_at", "version", "status", *COLUMNS)
    }
    values["break"] = None
    if obj.break_date is not None:
        values["break"] = {
            "date": obj.break_date,
            "initiator": obj.break_initiator,
            "reason": obj.break_reason,
            "within_trial_period": lifecycle.within_trial_period(
                obj.kind, obj.start_date, obj.practical_start_date, obj.break_date
            ),
        }
    values["running"] = lifecycle.is_running(
        obj.status, obj.start_date, obj.end_date, obj.break_date, today
    )
    return values


def contract_event(
    principal: Principal, obj: Contract, kind: str, on: date, **values: Any
) -> dict[str, Any]:
    """One line of a contract's history, as column values."""
    return {
        "organisation_id": obj.organisation_id,
        "contract_id": obj.id,
        "kind": kind,
        "on": on,
        "actor_id": None if principal.kind == "system" else principal.id,
        **values,
    }


async def record_event(
    session: AsyncSession, principal: Principal, obj: Contract, kind: str, on: date, **values: Any
) -> None:
    """One line of the contract's history. Not audited on its own: the change it goes with is."""
    session.add(ContractEvent(**contract_event(principal, obj, kind, on, **values)))
    await session.flush()


class Contracts(Resource[Contract, ContractRead]):
    name = "contract"
    model = Contract
    read_schema = ContractRead

    def condition(self, principal: Principal) -> ColumnElement[bool]:
        return scope.contract_condition(principal)

    async def to_read(
        self, session: AsyncSession, principal: Principal, objs: Sequence[Contract]
    ) -> list[ContractRead]:
        today = await local_today(session, principal.organisation_id)
        refs = await external_refs.for_objects(session, self.name, [o.id for o in objs])
        return [
            ContractRead.model_validate(
                {**contract_attributes(o, today), "external_refs": refs.get(o.id, [])}
            )
            for o in objs
        ]

    async def list_(
        self,
        session: AsyncSession,
        principal: Principal,
        page: PageRequest,
        filters: Mapping[str, Any],
        external_ref: str | None = None,
    ) -> tuple[list[ContractRead], str | None]:
        if filters.get("running") is not None:
            filters = {**filters, "today": await local_today(session, principal.organisation_id)}
        return await super().list_(session, principal, page, filters, external_ref)

    def filter(self, stmt: Select[Any], filters: Mapping[str, Any]) -> Select[Any]:
        rest = dict(filters)
        today, running = rest.pop("today", None), rest.pop("running", None)
        start_from, start_to = rest.pop("start_from", None), rest.pop("start_to", None)
        updated_since = rest.pop("updated_since", None)
        if running is not None:
            condition = running_condition(today)
            stmt = stmt.where(condition if running else ~condition)
        if start_from is not None:
            stmt = stmt.where(Contract.start_date >= start_from)
        if start_to is not None:
            stmt = stmt.where(Contract.start_date <= start_to)
        if updated_since is not None:
            stmt = stmt.where(Contract.updated_at >= updated_since)
        return super().filter(stmt, rest)

    async def prepare(
        self,
        session: AsyncSession,
        principal: Principal,
        values: dict[str, Any],
        obj: Contract | None,
    ) -> dict[str, Any]:
        merged = {key: getattr(obj, key) for key in COLUMNS} if obj is not None else {}
        merged.update(values)
        known = await checks.References.load(session, principal, [merged])
        return self._checked(values, merged, obj, known)

    async def prepare_many(
        self, session: AsyncSession, principal: Principal, items: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        known = await checks.References.load(session, principal, items)
        return [self._checked(values, dict(values), None, known) for values in items]

    @staticmethod
    def _checked(
        values: dict[str, Any],
        merged: dict[str, Any],
        obj: Contract | None,
        known: checks.References,
    ) -> dict[str, Any]:
        errors = checks.errors_in(values, merged, known)
        if errors:
            raise ValidationFailed("The contract is not valid: see errors.", errors=errors)
        if "sites" in values:
            values["sites"] = [checks.site_json(site) for site in values["sites"] or []]
        if merged.get("opco") is None and (obj is None or "opco" in values):
            # Funded by the company's OPCO unless said otherwise (also on a PUT without one,
            # so that replaying the same body changes nothing).
            values["opco"] = known.companies.get(merged["company_id"])
        return values

    async def create_many(
        self,
        session: AsyncSession,
        principal: Principal,
        items: Sequence[BaseModel],
        ids: Sequence[str] | None = None,
    ) -> list[Contract]:
        objs = await super().create_many(session, principal, items, ids)
        today = await local_today(session, principal.organisation_id)
        events = [
            contract_event(
                principal, obj, "created", today, to_status=obj.status, to_tutor_id=obj.tutor_id
            )
            for obj in objs
        ]
        await session.execute(insert(ContractEvent), events)
        return objs

    async def _apply(
        self,
        session: AsyncSession,
        principal: Principal,
        obj: Contract,
        values: dict[str, Any],
        data: BaseModel,
        expected_version: int | None,
        extra_refs: Sequence[ExternalRefIn] = (),
    ) -> Contract:
        """A PATCH or PUT that changes the tutor records the change, without a reason."""
        before = obj.tutor_id
        obj = await super()._apply(
            session, principal, obj, values, data, expected_version, extra_refs
        )
        if obj.tutor_id != before:
            today = await local_today(session, obj.organisation_id)
            await record_event(
                session,
                principal,
                obj,
                "tutor_change",
                today,
                from_tutor_id=before,
                to_tutor_id=obj.tutor_id,
            )
        return obj

    async def after_write(self, session: AsyncSession, principal: Principal, obj: Contract) -> None:
        await alerts.trigger(session, principal, [obj.learner_id])

    async def before_delete(
        self, session: AsyncSession, principal: Principal, obj: Contract
    ) -> None:
        """Only a draft may disappear; any later contract is cancelled, keeping its history."""
        if obj.status != ContractStatus.draft:
            raise Conflict(
                f"Only a draft contract can be deleted; this one is {obj.status}: "
                "cancel it instead, which keeps its history."
            )


contracts = Contracts()
