"""Create, change and delete any tenant row the same way: version check, audit, flush.

Each domain service decides *whether* the caller may act and *what* to write; these helpers
make *how* it is written identical everywhere (ETag/If-Match, audit log, versioning)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import PreconditionFailed
from app.models import Entity
from app.services import audit

E = TypeVar("E", bound=Entity)


def check_version(obj: Entity, expected_version: int | None) -> None:
    """``If-Match`` carries the version the client last read; a stale one is refused."""
    if expected_version is not None and expected_version != obj.version:
        raise PreconditionFailed(
            f"The object is at version {obj.version}, not {expected_version}: read it again.",
            current_version=obj.version,
        )


async def create(session: AsyncSession, principal: Principal, obj: E, object_type: str) -> E:
    return (await create_many(session, principal, [obj], object_type))[0]


async def create_many(
    session: AsyncSession, principal: Principal, objs: Sequence[E], object_type: str
) -> Sequence[E]:
    """Insert the objects and their audit lines: two flushes whatever their number, so that a
    large import writes in batched INSERTs instead of two round trips per object."""
    for obj in objs:
        obj.organisation_id = principal.organisation_id
    session.add_all(objs)
    await session.flush()
    await audit.record_many(
        session,
        [
            audit.values(
                principal,
                action="create",
                object_type=object_type,
                object_id=obj.id,
                changes={k: {"from": None, "to": v} for k, v in audit.snapshot(obj).items() if v},
            )
            for obj in objs
        ],
    )
    return objs


async def update(
    session: AsyncSession,
    principal: Principal,
    obj: E,
    values: dict[str, Any],
    object_type: str,
    *,
    expected_version: int | None = None,
    action: str = "update",
) -> E:
    check_version(obj, expected_version)
    before = audit.snapshot(obj)
    for key, value in values.items():
        setattr(obj, key, value)
    changes = audit.diff(before, audit.snapshot(obj))
    if changes:
        await session.flush()
        await audit.record(
            session,
            principal,
            action=action,
            object_type=object_type,
            object_id=obj.id,
            changes=changes,
        )
    return obj


async def delete(
    session: AsyncSession,
    principal: Principal,
    obj: Entity,
    object_type: str,
    *,
    expected_version: int | None = None,
) -> None:
    check_version(obj, expected_version)
    before = audit.snapshot(obj)
    await session.delete(obj)
    await session.flush()
    await audit.record(
        session,
        principal,
        action="delete",
        object_type=object_type,
        object_id=obj.id,
        changes={k: {"from": v, "to": None} for k, v in before.items() if v},
    )
