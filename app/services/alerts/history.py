"""An alert's history and its comments: every change is a line (who, when, what moved).

Anyone who sees an alert may comment, except read-only auditors; a comment leaves the alert
itself unchanged (no new version), but it is in the history and the audit log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.models import AlertEvent
from app.pagination import PageRequest, paginate
from app.services import audit
from app.services.alerts.workflow import event, get, may_write_at_all


async def comment(
    session: AsyncSession, principal: Principal, alert_id: str, note: str
) -> AlertEvent:
    alert = await get(session, principal, alert_id)
    may_write_at_all(principal)
    line = event(session, principal, alert, "comment", note=note)
    await session.flush()
    await audit.record(
        session,
        principal,
        action="comment",
        object_type="alert",
        object_id=alert.id,
        changes={"comment": {"from": None, "to": note}},
    )
    return line


async def history(
    session: AsyncSession,
    principal: Principal,
    alert_id: str,
    page: PageRequest,
    kind: str | None = None,
) -> tuple[list[AlertEvent], str | None]:
    """The alert's history in order (or only its comments, with ``kind="comment"``)."""
    alert = await get(session, principal, alert_id)
    stmt = select(AlertEvent).where(AlertEvent.alert_id == alert.id)
    if kind is not None:
        stmt = stmt.where(AlertEvent.kind == kind)
    return await paginate(session, stmt, AlertEvent, page)
