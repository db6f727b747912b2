"""Tutors, always reached through their company: the company must be visible to the caller
(else 404), and the tutor must belong to it and be in the caller's scope (scope.tutor_condition).

``tutors`` (all companies) serves other services, e.g. to check a contract's tutor;
``for_company`` narrows it to one company for the nested routes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Conflict, ValidationFailed
from app.models import Contract, Role, Tutor
from app.pagination import PageRequest
from app.schemas.tutor import TutorRead
from app.services import external_refs, scope
from app.services.companies import companies, user_with_role
from app.services.resource import Resource

NOT_NULL = ("first_name", "last_name")


class Tutors(Resource[Tutor, TutorRead]):
    name = "tutor"
    model = Tutor
    read_schema = TutorRead

    def __init__(self, company_id: str | None = None) -> None:
        self.company_id = company_id

    def condition(self, principal: Principal) -> ColumnElement[bool]:
        condition = scope.tutor_condition(principal)
        if self.company_id is not None:
            condition = condition & (Tutor.company_id == self.company_id)
        return condition

    async def prepare(
        self, session: AsyncSession, principal: Principal, values: dict[str, Any], obj: Tutor | None
    ) -> dict[str, Any]:
        for key in NOT_NULL:
            if key in values and values[key] is None:
                raise ValidationFailed.on(["body", key], f"{key} may not be null.")
        if values.get("user_id") is not None and not await user_with_role(
            session, principal, values["user_id"], {Role.tutor}
        ):
            raise ValidationFailed.on(
                ["body", "user_id"], "The account must be a tutor user of your organisation."
            )
        if obj is None:
            assert self.company_id is not None, "tutors are created within a company"
            values = {**values, "company_id": self.company_id}
        return values

    async def before_delete(self, session: AsyncSession, principal: Principal, obj: Tutor) -> None:
        # Deleting would erase who tutored which contract: keep the history.
        count = await session.scalar(
            select(func.count()).select_from(Contract).where(Contract.tutor_id == obj.id)
        )
        if count:
            raise Conflict(f"The tutor still tutors {count} contract(s): change their tutor first.")

    async def upsert_by_ref(
        self,
        session: AsyncSession,
        principal: Principal,
        source: str,
        ref: str,
        data: BaseModel,
        expected_version: int | None,
    ) -> tuple[Tutor, bool]:
        self.check_may_write(principal, None)
        holder = await external_refs.find_object_id(
            session, principal.organisation_id, self.name, source, ref
        )
        if holder is not None and self.company_id is not None:
            # A tutor belongs to one company: a ref of another company's tutor is a mistake.
            company_id = await session.scalar(select(Tutor.company_id).where(Tutor.id == holder))
            if company_id != self.company_id:
                raise Conflict(
                    f"External reference {source}:{ref} is a tutor of another company.",
                    object_id=holder,
                    company_id=company_id,
                )
        return await super().upsert_by_ref(session, principal, source, ref, data, expected_version)


tutors = Tutors()


async def for_company(session: AsyncSession, principal: Principal, company_id: str) -> Tutors:
    """The tutors of one company the caller can see (404 when the company is not visible)."""
    company = await companies.get(session, principal, company_id)
    return Tutors(company.id)


# --- one function per nested route -------------------------------------------------------
async def list_tutors(
    session: AsyncSession,
    principal: Principal,
    company_id: str,
    page: PageRequest,
    filters: Mapping[str, Any],
    external_ref: str | None,
) -> tuple[list[TutorRead], str | None]:
    resource = await for_company(session, principal, company_id)
    return await resource.list_(session, principal, page, filters, external_ref)


async def read_tutor(
    session: AsyncSession, principal: Principal, company_id: str, tutor_id: str
) -> TutorRead:
    resource = await for_company(session, principal, company_id)
    return await resource.read_one(
        session, principal, await resource.get(session, principal, tutor_id)
    )


async def create_tutor(
    session: AsyncSession, principal: Principal, company_id: str, data: BaseModel
) -> TutorRead:
    resource = await for_company(session, principal, company_id)
    return await resource.read_one(
        session, principal, await resource.create(session, principal, data)
    )


async def update_tutor(
    session: AsyncSession,
    principal: Principal,
    company_id: str,
    tutor_id: str,
    data: BaseModel,
    expected_version: int | None,
) -> TutorRead:
    resource = await for_company(session, principal, company_id)
    obj = await resource.update(session, principal, tutor_id, data, expected_version)
    return await resource.read_one(session, principal, obj)


async def delete_tutor(
    session: AsyncSession,
    principal: Principal,
    company_id: str,
    tutor_id: str,
    expected_version: int | None,
) -> None:
    resource = await for_company(session, principal, company_id)
    await resource.delete(session, principal, tutor_id, expected_version)


async def upsert_tutor(
    session: AsyncSession,
    principal: Principal,
    company_id: str,
    source: str,
    ref: str,
    data: BaseModel,
    expected_version: int | None,
) -> tuple[TutorRead, bool]:
    resource = await for_company(session, principal, company_id)
    obj, created = await resource.upsert_by_ref(
        session, principal, source, ref, data, expected_version
    )
    return await resource.read_one(session, principal, obj), created
