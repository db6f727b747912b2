"""Companies: host employers, seen by who works with them (scope.company_condition).

The sensitivity flag is an internal CFA note (turnover, tension, unpaid reminders): the company
side, learners and prescribers never see it, nor may they filter on it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Conflict, Forbidden, ValidationFailed
from app.models import Company, Contract, Role, Tutor, User
from app.pagination import PageRequest
from app.schemas.company import CompanyRead
from app.services import external_refs, records, scope
from app.services.alerts import scan as alerts
from app.services.resource import Resource

NOT_NULL = ("name", "contacts", "sensitive")
INTERNAL_FIELDS = ("sensitive", "sensitive_reason")


def sees_internal_notes(principal: Principal) -> bool:
    return principal.sees_whole_organisation or Role.referent in principal.roles


def like_pattern(text: str) -> str:
    """A case-insensitive "contains" pattern, with LIKE wildcards in the input taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def user_with_role(
    session: AsyncSession, principal: Principal, user_id: str, roles: set[str]
) -> User | None:
    """The user of the caller's organisation with one of ``roles``, else None."""
    user = await session.scalar(
        select(User).where(User.id == user_id, User.organisation_id == principal.organisation_id)
    )
    return user if user is not None and roles & set(user.roles) else None


class Companies(Resource[Company, CompanyRead]):
    name = "company"
    model = Company
    read_schema = CompanyRead

    def condition(self, principal: Principal) -> ColumnElement[bool]:
        return scope.company_condition(principal)

    def filter(self, stmt: Select[Any], filters: Mapping[str, Any]) -> Select[Any]:
        name = filters.get("name")
        if name:
            stmt = stmt.where(func.lower(Company.name).like(like_pattern(name), escape="\\"))
        return super().filter(stmt, {k: v for k, v in filters.items() if k != "name"})

    async def list_(
        self,
        session: AsyncSession,
        principal: Principal,
        page: PageRequest,
        filters: Mapping[str, Any],
        external_ref: str | None = None,
    ) -> tuple[list[CompanyRead], str | None]:
        # Filtering on the flag would reveal it to those who may not read it.
        if filters.get("sensitive") is not None and not sees_internal_notes(principal):
            raise Forbidden("Your role may not filter companies on their sensitivity.")
        return await super().list_(session, principal, page, filters, external_ref)

    def attributes(self, principal: Principal, obj: Company) -> dict[str, Any]:
        values = super().attributes(principal, obj)
        if not sees_internal_notes(principal):
            values.update(dict.fromkeys(INTERNAL_FIELDS))
        return values

    async def prepare(
        self,
        session: AsyncSession,
        principal: Principal,
        values: dict[str, Any],
        obj: Company | None,
    ) -> dict[str, Any]:
        for key in NOT_NULL:
            if key in values and values[key] is None:
                raise ValidationFailed.on(["body", key], f"{key} may not be null.")
        if values.get("owner_id") is not None and not await user_with_role(
            session, principal, values["owner_id"], {Role.company_relations}
        ):
            raise ValidationFailed.on(
                ["body", "owner_id"],
                "The owner must be a company_relations user of your organisation.",
            )
        if values.get("siret") is not None:
            await self._check_siret_free(session, principal, values["siret"], obj)
        return self._sensitivity(values, obj)

    async def prepare_many(
        self, session: AsyncSession, principal: Principal, items: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """As ``prepare`` for each, the SIRETs checked in one query (and against each other)."""
        sirets = [values.get("siret") for values in items if values.get("siret")]
        if len(set(sirets)) < len(sirets):
            raise ValidationFailed.on(["body", "siret"], "The same SIRET is given twice.")
        for start in range(0, len(sirets), 1000):
            existing = (
                await session.execute(
                    select(Company.id, Company.siret)
                    .where(
                        Company.organisation_id == principal.organisation_id,
                        Company.siret.in_(sirets[start : start + 1000]),
                    )
                    .limit(1)
                )
            ).first()
            if existing is not None:
                raise _siret_taken(existing.siret, existing.id)
        unchecked = [{k: v for k, v in values.items() if k != "siret"} for values in items]
        prepared = [await self.prepare(session, principal, values, None) for values in unchecked]
        return [
            {**values, "siret": item["siret"]} if "siret" in item else values
            for values, item in zip(prepared, items, strict=True)
        ]

    @staticmethod
    def _sensitivity(values: dict[str, Any], obj: Company | None) -> dict[str, Any]:
        """A flagged company says why; an unflagged one keeps no stale reason."""
        sensitive = values.get("sensitive", obj.sensitive if obj else False)
        reason_sent = "sensitive_reason" in values
        reason = (
            values["sensitive_reason"] if reason_sent else (obj.sensitive_reason if obj else None)
        )
        if sensitive and not reason:
            raise ValidationFailed.on(
                ["body", "sensitive_reason"], "Say why the company is flagged sensitive."
            )
        if not sensitive and reason:
            if reason_sent:
                raise ValidationFailed.on(
                    ["body", "sensitive_reason"], "A reason is only given when sensitive is true."
                )
            values = {**values, "sensitive_reason": None}
        return values

    async def _check_siret_free(
        self, session: AsyncSession, principal: Principal, siret: str, obj: Company | None
    ) -> None:
        """Each SIRET is one establishment: a company may have several, never the reverse."""
        stmt = select(Company.id).where(
            Company.organisation_id == principal.organisation_id, Company.siret == siret
        )
        if obj is not None:
            stmt = stmt.where(Company.id != obj.id)
        existing = await session.scalar(stmt.limit(1))
        if existing is not None:
            raise _siret_taken(siret, existing)

    async def after_write(
        self, session: AsyncSession, principal: Principal, obj: Company
    ) -> None:
        # A company flagged sensitive changes the placement and risk rules of its contracts.
        learner_ids = await session.scalars(
            select(Contract.learner_id).where(Contract.company_id == obj.id)
        )
        await alerts.trigger(session, principal, list(learner_ids))

    async def before_delete(
        self, session: AsyncSession, principal: Principal, obj: Company
    ) -> None:
        tutors = select(Tutor.id).where(Tutor.company_id == obj.id)
        contracts = await session.scalar(
            select(func.count())
            .select_from(Contract)
            .where(or_(Contract.company_id == obj.id, Contract.tutor_id.in_(tutors)))
        )
        if contracts:
            raise Conflict(f"The company has {contracts} contract(s): it cannot be deleted.")
        # Its tutors go with it, each one audited and its external refs released.
        for tutor in (await session.scalars(select(Tutor).where(Tutor.company_id == obj.id))).all():
            await external_refs.replace(session, principal.organisation_id, "tutor", tutor.id, [])
            await records.delete(session, principal, tutor, "tutor")


companies = Companies()


def _siret_taken(siret: str, company_id: str) -> Conflict:
    return Conflict(
        f"SIRET {siret} is already company {company_id}.",
        object_id=company_id,
        errors=[{"loc": ["body", "siret"], "msg": "already used", "type": "duplicate"}],
    )
