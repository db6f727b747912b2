"""The audit log: every change, with who, when and which fields moved from what to what."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, inspect
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.core.request_context import request_id_var
from app.models import AuditEvent, Base

# Never copied into the log.
SECRET_FIELDS = frozenset({"password_hash", "secret_hash", "token_hash"})
SKIPPED_FIELDS = SECRET_FIELDS | {"updated_at", "version", "created_at", "organisation_id"}


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(obj: Base) -> dict[str, Any]:
    """The object's column values as JSON-ready data, secrets left out."""
    return {
        column.key: jsonable(getattr(obj, column.key))
        for column in inspect(obj).mapper.column_attrs
        if column.key not in SKIPPED_FIELDS
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {
        key: {"from": before.get(key), "to": value}
        for key, value in after.items()
        if before.get(key) != value
    }


def values(
    principal: Principal,
    *,
    action: str,
    object_type: str,
    object_id: str,
    changes: dict[str, Any] | None = None,
    organisation_id: str | None = None,
) -> dict[str, Any]:
    """One line of the log as column values (``record`` writes one, ``record_many`` many)."""
    return {
        "organisation_id": organisation_id or principal.organisation_id,
        "actor_type": principal.kind,
        "actor_id": None if principal.kind == "system" else principal.id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "changes": changes or {},
        "request_id": request_id_var.get(),
    }


async def record_many(session: AsyncSession, lines: list[dict[str, Any]]) -> None:
    """Many lines in one batched INSERT: the log is append-only, never read back here."""
    if lines:
        await session.execute(insert(AuditEvent), lines)


async def record(
    session: AsyncSession,
    principal: Principal,
    *,
    action: str,
    object_type: str,
    object_id: str,
    changes: dict[str, Any] | None = None,
    organisation_id: str | None = None,
) -> AuditEvent:
    line = AuditEvent(
        **values(
            principal,
            action=action,
            object_type=object_type,
            object_id=object_id,
            changes=changes,
            organisation_id=organisation_id,
        )
    )
    session.add(line)
    await session.flush()
    return line
