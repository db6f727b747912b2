"""``Idempotency-Key`` on POST: the first answer is stored with the request's own unit of work
and replayed to a retry with the same key and body."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import IdempotencyKeyReused
from app.models import IdempotencyRecord


async def find(
    session: AsyncSession, principal_key: str, key: str, path: str, request_hash: str
) -> IdempotencyRecord | None:
    record = await session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.principal_key == principal_key,
            IdempotencyRecord.key == key,
            IdempotencyRecord.path == path,
        )
    )
    if record is not None and record.request_hash != request_hash:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used with a different request body; "
            "use a new key for a new request."
        )
    return record


async def store(
    session: AsyncSession,
    *,
    principal_key: str,
    key: str,
    path: str,
    request_hash: str,
    status_code: int,
    headers: dict[str, str],
    body: str,
) -> None:
    session.add(
        IdempotencyRecord(
            principal_key=principal_key,
            key=key,
            path=path,
            request_hash=request_hash,
            status_code=status_code,
            headers=headers,
            body=body,
        )
    )
    await session.flush()
