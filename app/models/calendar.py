from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Entity


class CohortRhythm(Entity):
    """How a cohort alternates: a weekly pattern (CFA weekdays) or a cycle of weeks, with
    closure periods. The calendar days are generated from it."""

    __tablename__ = "cohort_rhythms"

    cohort_id: Mapped[str] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[str] = mapped_column(String, default="weekly")  # weekly | cycle
    cfa_weekdays: Mapped[list[int]] = mapped_column(JSON, default=list)  # 0 = Monday
    cycle: Mapped[list[str]] = mapped_column(JSON, default=list)  # ["cfa", "company", ...]
    cycle_anchor: Mapped[date | None]  # the Monday the cycle starts on
    closures: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    holiday_zone: Mapped[str] = mapped_column(String, default="metropole")  # | alsace_moselle


class CohortKeyDate(Entity):
    """An exam, a review or visit window, a holiday or another date that matters to a cohort."""

    __tablename__ = "cohort_key_dates"

    cohort_id: Mapped[str] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    # exam | review_window | visit_window | holiday | other
    kind: Mapped[str] = mapped_column(String)
    start_date: Mapped[date]
    end_date: Mapped[date]
    label: Mapped[str] = mapped_column(String)


class CalendarDay(Entity):
    """One generated day of a cohort: at the CFA, in company, or off. Manual overrides survive
    regeneration."""

    __tablename__ = "calendar_days"
    __table_args__ = (UniqueConstraint("cohort_id", "day"),)

    cohort_id: Mapped[str] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    day: Mapped[date]
    kind: Mapped[str] = mapped_column(String)  # cfa | company | off
    overridden: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(String)


class CalendarFeed(Entity):
    """A secret iCalendar feed URL for one user (calendar apps cannot send a bearer token).
    Only the token's digest is stored; revoking it ends the feed."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    subject_type: Mapped[str] = mapped_column(String)  # learner | cohort | tutor
    subject_id: Mapped[str | None] = mapped_column(String(36))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime | None]
