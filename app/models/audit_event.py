from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, new_id, utcnow


class AuditEvent(Base):
    """Append-only record of a change: who, when, what, and the fields before and after."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_org_time", "organisation_id", "occurred_at", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_type: Mapped[str] = mapped_column(String)  # user | api_client | system
    actor_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String)  # create | update | delete | transition | ...
    object_type: Mapped[str] = mapped_column(String, index=True)
    object_id: Mapped[str] = mapped_column(String(36), index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    request_id: Mapped[str | None] = mapped_column(String)
