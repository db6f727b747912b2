from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Entity


class Review(Entity):
    """A company visit or a mid/end review on a contract: scheduled, then done, on a grid."""

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_contract_kind", "contract_id", "kind"),)

    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    learner_id: Mapped[str] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), index=True
    )
    # visit | two_month_interview | mid_term | end_of_contract
    kind: Mapped[str] = mapped_column(String)
    scheduled_on: Mapped[date | None]
    done_on: Mapped[date | None]
    reviewer_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[str | None] = mapped_column(String)
    grid: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    signatures: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class AttendanceMark(Entity):
    """Presence or absence of a learner for one half-day or session."""

    __tablename__ = "attendance_marks"
    __table_args__ = (Index("ix_attendance_marks_learner_day", "learner_id", "day"),)

    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    day: Mapped[date]
    half_day: Mapped[str] = mapped_column(String, default="am")  # am | pm | session
    status: Mapped[str] = mapped_column(String)  # present | absent | late | excused
    justified: Mapped[bool] = mapped_column(default=False)
    minutes: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(String)
