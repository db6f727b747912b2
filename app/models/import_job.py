from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Entity


class ImportJob(Entity):
    """A bulk import: its file is parsed and applied in one transaction of its own; this row
    tells the client how far it got and what was rejected. While it runs on PostgreSQL its
    ``updated_at`` is its heartbeat; a job whose process died is ``failed`` (its transaction
    rolled back): see ``services/imports/liveness.py``."""

    __tablename__ = "import_jobs"

    profile: Mapped[str] = mapped_column(String)  # relais | erp_generic | tdb_effectifs
    mode: Mapped[str] = mapped_column(String, default="atomic")  # atomic | partial
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    # queued | running | succeeded | failed | rejected
    status: Mapped[str] = mapped_column(String, default="queued")
    filename: Mapped[str | None] = mapped_column(String)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    report: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(String)
    created_by_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
