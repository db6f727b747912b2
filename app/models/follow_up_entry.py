from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Entity


class FollowUpEntry(Entity):
    """One dated, authored line of the *livret de suivi*, shared by visibility."""

    __tablename__ = "follow_up_entries"
    __table_args__ = (Index("ix_follow_up_entries_learner_date", "learner_id", "occurred_on"),)

    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    contract_id: Mapped[str | None] = mapped_column(
        ForeignKey("contracts.id", ondelete="SET NULL"), index=True
    )
    company_id: Mapped[str | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String)
    occurred_on: Mapped[date]
    author_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    summary: Mapped[str] = mapped_column(String)
    body: Mapped[str | None] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String, default="internal")
    next_step: Mapped[str | None] = mapped_column(String)
    next_step_due_on: Mapped[date | None]
