from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Entity


class Enrolment(Entity):
    """A learner's place in a cohort; ``ended_reason`` records completion or dropping out."""

    __tablename__ = "enrolments"

    learner_id: Mapped[str] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), index=True
    )
    cohort_id: Mapped[str] = mapped_column(
        ForeignKey("cohorts.id", ondelete="RESTRICT"), index=True
    )
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    ended_reason: Mapped[str | None] = mapped_column(String)
