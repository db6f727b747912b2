from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Entity


class Company(Entity):
    """A host employer. ``owner_id`` is the company-relations user who holds the account."""

    __tablename__ = "companies"
    # One establishment (SIRET) is one company per organisation; several may lack a SIRET.
    __table_args__ = (
        Index(
            "uq_companies_organisation_siret",
            "organisation_id",
            "siret",
            unique=True,
            sqlite_where=text("siret IS NOT NULL"),
            postgresql_where=text("siret IS NOT NULL"),
        ),
    )

    name: Mapped[str] = mapped_column(String, index=True)
    siret: Mapped[str | None] = mapped_column(String(14), index=True)
    naf_code: Mapped[str | None] = mapped_column(String)
    idcc: Mapped[str | None] = mapped_column(String)
    opco: Mapped[str | None] = mapped_column(String)
    address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    contacts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    owner_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    sensitive_reason: Mapped[str | None] = mapped_column(String)


class Tutor(Entity):
    """A *maître d'apprentissage*: a person at a company who tutors apprentices."""

    __tablename__ = "tutors"

    company_id: Mapped[str] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    first_name: Mapped[str] = mapped_column(String)
    last_name: Mapped[str] = mapped_column(String)
    email: Mapped[str | None] = mapped_column(String)
    phone: Mapped[str | None] = mapped_column(String)
    job_title: Mapped[str | None] = mapped_column(String)
    user_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
