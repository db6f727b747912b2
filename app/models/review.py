from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Entity


class ReviewTemplate(Entity):
    """A review grid (*grille de visite*). Grids are versioned: a grid in use is never changed
    in place; a new ``revision`` of the same ``code`` is made instead."""

    __tablename__ = "review_templates"
    __table_args__ = (UniqueConstraint("organisation_id", "code", "revision"),)

    code: Mapped[str] = mapped_column(String)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String)
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)  # review kinds it serves
    # [{"key", "title", "criteria": [{"key", "label", "type": scale|text, "scale": [...],
    #   "required": bool}]}]
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    superseded: Mapped[bool] = mapped_column(default=False)


class Review(Entity):
    """A company visit or a review on a contract: scheduled, then done on a grid, then signed
    off by tutor and learner, after which its answers are locked."""

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_contract_kind", "contract_id", "kind"),)

    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    learner_id: Mapped[str] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), index=True
    )
    # visit | two_month_interview | trial_check | mid_term | end_of_contract | post_contract
    kind: Mapped[str] = mapped_column(String)
    template_id: Mapped[str | None] = mapped_column(
        ForeignKey("review_templates.id", ondelete="RESTRICT"), index=True
    )
    template_revision: Mapped[int | None] = mapped_column(Integer)
    scheduled_on: Mapped[date | None]
    done_on: Mapped[date | None]
    reviewer_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    participants: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    outcome: Mapped[str | None] = mapped_column(String)  # ok | watch | at_risk
    summary: Mapped[str | None] = mapped_column(Text)
    # [{"role": "tutor"|"learner", "user_id": ..., "signed_at": ...}]
    signoffs: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    locked_at: Mapped[datetime | None]


class AttendanceMark(Entity):
    """Presence or absence of a learner for one half-day (``am``/``pm``) or one ``session``.
    One mark per learner and slot: recording the register twice gives the same marks."""

    __tablename__ = "attendance_marks"
    __table_args__ = (
        UniqueConstraint("learner_id", "day", "half_day", "session_label"),
        Index("ix_attendance_marks_learner_day", "learner_id", "day"),
    )

    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    cohort_id: Mapped[str | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="SET NULL"), index=True
    )
    day: Mapped[date]
    half_day: Mapped[str] = mapped_column(String, default="am")  # am | pm | session
    session_label: Mapped[str] = mapped_column(String, default="")
    status: Mapped[str] = mapped_column(String)  # present | absent | late | excused
    justified: Mapped[bool] = mapped_column(default=False)
    minutes: Mapped[int | None]  # minutes late
    reason: Mapped[str | None] = mapped_column(String)  # justification reason
    document_ref: Mapped[str | None] = mapped_column(String)  # justification document
    justified_at: Mapped[datetime | None]
    recorded_by_id: Mapped[str | None] = mapped_column(String(36))
