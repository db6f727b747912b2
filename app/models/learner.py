from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Entity


class Learner(Entity):
    """The young person (or adult) in alternance. ``status`` is derived, never stored."""

    __tablename__ = "learners"

    first_name: Mapped[str] = mapped_column(String)
    last_name: Mapped[str] = mapped_column(String, index=True)
    birth_date: Mapped[date | None]
    email: Mapped[str | None] = mapped_column(String)
    phone: Mapped[str | None] = mapped_column(String)
    ine: Mapped[str | None] = mapped_column(String)
    address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    referent_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    prescriber_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The learner's own extranet account, if any.
    user_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    referral: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    fragile: Mapped[bool] = mapped_column(Boolean, default=False)
    fragile_reason: Mapped[str | None] = mapped_column(String)
