from __future__ import annotations

from datetime import date

from sqlalchemy import Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Entity


class Programme(Entity):
    """A training programme (RNCP title or diploma)."""

    __tablename__ = "programmes"

    title: Mapped[str] = mapped_column(String)
    rncp_code: Mapped[str | None] = mapped_column(String)
    diploma_code: Mapped[str | None] = mapped_column(String)
    level: Mapped[int | None] = mapped_column(Integer)
    duration_months: Mapped[int | None] = mapped_column(Integer)


cohort_referents = Table(
    "cohort_referents",
    Base.metadata,
    Column("cohort_id", ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Cohort(Entity):
    """A *promotion*: one programme's group for a period, followed by referents."""

    __tablename__ = "cohorts"

    programme_id: Mapped[str] = mapped_column(
        ForeignKey("programmes.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String)
    start_date: Mapped[date]
    end_date: Mapped[date]
