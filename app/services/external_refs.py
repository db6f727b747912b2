"""External references: find and upsert our objects by another system's id."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import Conflict, ValidationFailed
from app.models import ExternalRef
from app.schemas.common import ExternalRefIn, ExternalRefOut

CHUNK = 1000  # values per IN list: well under SQLite's and asyncpg's parameter limits


def parse(value: str) -> tuple[str, str]:
    """``ypareo:A123`` -> ("ypareo", "A123")."""
    source, sep, ref = value.partition(":")
    if not sep or not source or not ref:
        raise ValidationFailed.on(
            ["query", "external_ref"], "Expected source:ref, for example ypareo:A123."
        )
    return source, ref


async def find_object_id(
    session: AsyncSession, organisation_id: str, resource: str, source: str, ref: str
) -> str | None:
    return await session.scalar(
        select(ExternalRef.object_id).where(
            ExternalRef.organisation_id == organisation_id,
            ExternalRef.resource == resource,
            ExternalRef.source == source,
            ExternalRef.ref == ref,
        )
    )


async def for_objects(
    session: AsyncSession, resource: str, object_ids: Sequence[str]
) -> dict[str, list[ExternalRefOut]]:
    refs: dict[str, list[ExternalRefOut]] = defaultdict(list)
    if not object_ids:
        return refs
    rows = await session.scalars(
        select(ExternalRef)
        .where(ExternalRef.resource == resource, ExternalRef.object_id.in_(list(object_ids)))
        .order_by(ExternalRef.source, ExternalRef.ref)
    )
    for row in rows:
        refs[row.object_id].append(ExternalRefOut(source=row.source, ref=row.ref))
    return refs


async def replace(
    session: AsyncSession,
    organisation_id: str,
    resource: str,
    object_id: str,
    refs: Sequence[ExternalRefIn],
) -> None:
    """Make the object's refs exactly ``refs``; a ref held by another object is a conflict."""
    wanted = {(r.source, r.ref) for r in refs}
    for source, ref in wanted:
        holder = await find_object_id(session, organisation_id, resource, source, ref)
        if holder is not None and holder != object_id:
            raise Conflict(
                f"External reference {source}:{ref} already belongs to another {resource}.",
                object_id=holder,
            )
    await session.execute(
        delete(ExternalRef).where(
            ExternalRef.resource == resource, ExternalRef.object_id == object_id
        )
    )
    for source, ref in sorted(wanted):
        session.add(
            ExternalRef(
                organisation_id=organisation_id,
                resource=resource,
                object_id=object_id,
                source=source,
                ref=ref,
            )
        )
    await session.flush()


async def add_new(
    session: AsyncSession,
    organisation_id: str,
    resource: str,
    refs: Sequence[tuple[str, ExternalRefIn]],
) -> None:
    """Give just-created objects their refs, ``(object_id, ref)`` pairs, in one query and one
    flush; a ref already held (by another object, or twice in ``refs``) is a conflict."""
    wanted = {(r.source, r.ref): object_id for object_id, r in refs}
    if len(wanted) < len({(object_id, r.source, r.ref) for object_id, r in refs}):
        raise Conflict(f"The same external reference is given to two new {resource}s.")
    by_source: dict[str, list[str]] = defaultdict(list)
    for source, ref in wanted:
        by_source[source].append(ref)
    for source, values in by_source.items():
        for start in range(0, len(values), CHUNK):
            held = (
                await session.execute(
                    select(ExternalRef.object_id, ExternalRef.ref)
                    .where(
                        ExternalRef.organisation_id == organisation_id,
                        ExternalRef.resource == resource,
                        ExternalRef.source == source,
                        ExternalRef.ref.in_(values[start : start + CHUNK]),
                    )
                    .limit(1)
                )
            ).first()
            if held is not None:
                raise Conflict(
                    f"External reference {source}:{held.ref} already belongs to another "
                    f"{resource}.",
                    object_id=held.object_id,
                )
    await session.execute(
        insert(ExternalRef),
        [
            {
                "organisation_id": organisation_id,
                "resource": resource,
                "object_id": object_id,
                "source": source,
                "ref": ref,
            }
            for (source, ref), object_id in sorted(wanted.items())
        ],
    )
