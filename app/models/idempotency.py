from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, new_id, utcnow


class IdempotencyRecord(Base):
    """The first answer to a POST carrying an ``Idempotency-Key``, replayed on retry."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("principal_key", "key", "path"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    principal_key: Mapped[str] = mapped_column(String)
    key: Mapped[str] = mapped_column(String)
    path: Mapped[str] = mapped_column(String)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
