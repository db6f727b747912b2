"""One implementation of the API conventions for every domain resource.

A domain service declares its model, its read schema, who sees which rows (a condition from
``app.services.scope``) and who may change them; this class does the rest the same way for all:
scoped get and list (404 out of scope), filters, ``?external_ref=``, create/update/delete with
``If-Match``, audit and version, ``PUT by-ref`` upsert, and external refs on every read."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import ColumnElement, Select, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Forbidden, ValidationFailed, not_found
from app.models import Entity
from app.pagination import PageRequest, paginate
from app.schemas.common import ExternalRefIn
from app.services import external_refs, records
from app.services.exports import tabular

M = TypeVar("M", bound=Entity)
R = TypeVar("R", bound=BaseModel)


class Resource(Generic[M, R]):
    name: ClassVar[str]  # singular, as in the audit log and external refs: "learner"
    model: type[M]
    read_schema: type[R]

    # --- what each resource decides ------------------------------------------------------
    def condition(self, principal: Principal) -> ColumnElement[bool]:
        """Rows the caller may see."""
        return self.model.organisation_id == principal.organisation_id

    def check_may_write(self, principal: Principal, obj: M | None) -> None:
        """Raise ``Forbidden`` when the caller, who can see ``obj``, may not change it.
        ``obj`` is None for a creation."""
        if not principal.writes_organisation:
            raise Forbidden(f"Your role may not change {self.name}s.")

    def check_may_delete(self, principal: Principal, obj: M) -> None:
        """Who may delete; by default whoever may change the object."""
        self.check_may_write(principal, obj)

    async def before_delete(self, session: AsyncSession, principal: Principal, obj: M) -> None:
        """Refuse with ``Conflict`` when history depends on ``obj``, or clear its dependants."""

    async def prepare(
        self, session: AsyncSession, principal: Principal, values: dict[str, Any], obj: M | None
    ) -> dict[str, Any]:
        """Check references and business rules; return the column values to write."""
        return values

    async def prepare_many(
        self, session: AsyncSession, principal: Principal, items: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """``prepare`` for several creations; resources whose checks query override it to
        check every item in a few set-based queries."""
        return [await self.prepare(session, principal, values, None) for values in items]

    async def after_create_many(
        self, session: AsyncSession, principal: Principal, objs: Sequence[M]
    ) -> None:
        for obj in objs:
            await self.after_write(session, principal, obj)

    def filter(self, stmt: Select[Any], filters: Mapping[str, Any]) -> Select[Any]:
        """Plain equality filters named after columns; resources override for others."""
        for key, value in filters.items():
            if value is not None:
                stmt = stmt.where(getattr(self.model, key) == value)
        return stmt

    async def to_read(
        self, session: AsyncSession, principal: Principal, objs: Sequence[M]
    ) -> list[R]:
        refs = await external_refs.for_objects(session, self.name, [o.id for o in objs])
        return [
            self.read_schema.model_validate(
                {**self.attributes(principal, o), "external_refs": refs.get(o.id, [])}
            )
            for o in objs
        ]

    def attributes(self, principal: Principal, obj: M) -> dict[str, Any]:
        """The object's fields as the read schema expects them (override to reshape or hide)."""
        return {name: getattr(obj, name, None) for name in self.read_schema.model_fields}

    # --- the conventions, identical for every resource -------------------------------------
    def visible(self, principal: Principal) -> Select[M]:
        return select(self.model).where(self.condition(principal))

    async def get(self, session: AsyncSession, principal: Principal, object_id: str) -> M:
        obj = await session.scalar(self.visible(principal).where(self.model.id == object_id))
        if obj is None:
            raise not_found(self.name, object_id)
        return obj

    async def read_one(self, session: AsyncSession, principal: Principal, obj: M) -> R:
        return (await self.to_read(session, principal, [obj]))[0]

    async def list_(
        self,
        session: AsyncSession,
        principal: Principal,
        page: PageRequest,
        filters: Mapping[str, Any],
        external_ref: str | None = None,
    ) -> tuple[list[R], str | None]:
        stmt = self.filter(self.visible(principal), filters)
        if external_ref is not None:
            source, ref = external_refs.parse(external_ref)
            object_id = await external_refs.find_object_id(
                session, principal.organisation_id, self.name, source, ref
            )
            stmt = stmt.where(self.model.id == object_id) if object_id else stmt.where(false())
        rows, cursor = await paginate(session, stmt, self.model, page)
        return await self.to_read(session, principal, rows), cursor

    def pages(
        self,
        session: AsyncSession,
        principal: Principal,
        filters: Mapping[str, Any],
        external_ref: str | None = None,
        *,
        sort: str = "created_at",
    ) -> AsyncIterator[Sequence[R]]:
        """Every page of the list, read through ``list_`` so a resource's own list rules
        (scope, derived filters, refusals) apply to exports exactly as to JSON pages."""

        async def fetch(page: PageRequest) -> tuple[list[R], str | None]:
            return await self.list_(session, principal, page, filters, external_ref)

        return tabular.all_pages(fetch, sort=sort)

    async def export(
        self,
        session: AsyncSession,
        principal: Principal,
        filters: Mapping[str, Any],
        external_ref: str | None = None,
        *,
        sort: str = "created_at",
    ) -> tuple[list[str], tabular.Rows]:
        """The whole list as a flat table (header, rows read page by page)."""
        pages = self.pages(session, principal, filters, external_ref, sort=sort)
        return await tabular.table(self.read_schema, pages)

    async def create(self, session: AsyncSession, principal: Principal, data: BaseModel) -> M:
        return (await self.create_many(session, principal, [data]))[0]

    async def create_many(
        self,
        session: AsyncSession,
        principal: Principal,
        items: Sequence[BaseModel],
        ids: Sequence[str] | None = None,
    ) -> list[M]:
        """Create one object per item with the same checks, audit and refs as one by one, in a
        few statements (imports). ``ids`` lets the caller name the new objects beforehand, so
        that objects created in the same batch can already point at each other."""
        self.check_may_write(principal, None)
        values = [data.model_dump(exclude={"external_refs"}) for data in items]
        values = await self.prepare_many(session, principal, values)
        objs = [self.model(**v) for v in values]
        for obj, object_id in zip(objs, ids or (), strict=False):
            obj.id = object_id
        await records.create_many(session, principal, objs, self.name)
        refs = [
            (obj.id, ref)
            for obj, data in zip(objs, items, strict=True)
            for ref in getattr(data, "external_refs", None) or []
        ]
        if refs:
            await external_refs.add_new(session, principal.organisation_id, self.name, refs)
        await self.after_create_many(session, principal, objs)
        return objs

    async def update(
        self,
        session: AsyncSession,
        principal: Principal,
        object_id: str,
        data: BaseModel,
        expected_version: int | None,
        *,
        replace: bool = False,
    ) -> M:
        obj = await self.get(session, principal, object_id)
        self.check_may_write(principal, obj)
        values = data.model_dump(exclude={"external_refs"}, exclude_unset=not replace)
        self._refuse_nulls(values)
        return await self._apply(session, principal, obj, values, data, expected_version)

    def _refuse_nulls(self, values: dict[str, Any]) -> None:
        """``{"title": null}`` on a required field is bad input, not a database error."""
        columns = self.model.__table__.columns
        errors = [
            {"loc": ["body", key], "msg": "must not be null", "type": "null_not_allowed"}
            for key, value in values.items()
            if value is None and key in columns and not columns[key].nullable
        ]
        if errors:
            raise ValidationFailed("Required fields cannot be set to null.", errors=errors)

    async def _apply(
        self,
        session: AsyncSession,
        principal: Principal,
        obj: M,
        values: dict[str, Any],
        data: BaseModel,
        expected_version: int | None,
        extra_refs: Sequence[ExternalRefIn] = (),
    ) -> M:
        records.check_version(obj, expected_version)
        values = await self.prepare(session, principal, values, obj)
        await records.update(session, principal, obj, values, self.name)
        refs: list[ExternalRefIn] | None = getattr(data, "external_refs", None)
        if refs is not None or extra_refs:
            current = await external_refs.for_objects(session, self.name, [obj.id])
            wanted = (
                list(refs)
                if refs is not None
                else [ExternalRefIn(source=r.source, ref=r.ref) for r in current.get(obj.id, [])]
            )
            wanted += [r for r in extra_refs if r not in wanted]
            await external_refs.replace(
                session, principal.organisation_id, self.name, obj.id, wanted
            )
        await self.after_write(session, principal, obj)
        return obj

    async def delete(
        self,
        session: AsyncSession,
        principal: Principal,
        object_id: str,
        expected_version: int | None,
    ) -> None:
        obj = await self.get(session, principal, object_id)
        self.check_may_delete(principal, obj)
        records.check_version(obj, expected_version)
        await self.before_delete(session, principal, obj)
        await external_refs.replace(session, principal.organisation_id, self.name, obj.id, [])
        await records.delete(session, principal, obj, self.name)

    async def upsert_by_ref(
        self,
        session: AsyncSession,
        principal: Principal,
        source: str,
        ref: str,
        data: BaseModel,
        expected_version: int | None,
    ) -> tuple[M, bool]:
        """Create or fully replace the object another system knows as ``source:ref``.
        Sending the same body twice changes nothing the second time."""
        try:
            key = ExternalRefIn(source=source, ref=ref)
        except PydanticValidationError as exc:  # e.g. a blank ref once whitespace is stripped
            raise ValidationFailed.on(["path", "ref"], "Expected a non-blank reference.") from exc
        object_id = await external_refs.find_object_id(
            session, principal.organisation_id, self.name, source, ref
        )
        if object_id is None:
            refs = list(getattr(data, "external_refs", None) or [])
            if key not in refs:
                refs.append(key)
            obj = await self.create(
                session, principal, data.model_copy(update={"external_refs": refs})
            )
            return obj, True
        obj = await self.get(session, principal, object_id)
        self.check_may_write(principal, obj)
        values = data.model_dump(exclude={"external_refs"})
        obj = await self._apply(
            session, principal, obj, values, data, expected_version, extra_refs=[key]
        )
        return obj, False

    async def after_write(self, session: AsyncSession, principal: Principal, obj: M) -> None:
        """Hook for derived work after a change (events, alert triggers)."""
