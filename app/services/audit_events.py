"""Reading the audit log (admins and auditors); nothing ever changes or deletes it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Forbidden
from app.models import AuditEvent, Role
from app.pagination import PageRequest, paginate

READERS = frozenset({Role.admin, Role.auditor})


async def list_(
    session: AsyncSession,
    principal: Principal,
    page: PageRequest,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    actor_id: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
) -> tuple[list[AuditEvent], str | None]:
    if not principal.has_any(READERS):
        raise Forbidden("Only admins and auditors read the audit log.")
    stmt = select(AuditEvent).where(AuditEvent.organisation_id == principal.organisation_id)
    for column, value in (
        (AuditEvent.object_type, object_type),
        (AuditEvent.object_id, object_id),
        (AuditEvent.actor_id, actor_id),
        (AuditEvent.action, action),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if since is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= since)
    return await paginate(session, stmt, AuditEvent, page)
