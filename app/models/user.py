from __future__ import annotations

from enum import StrEnum

from sqlalchemy import JSON, Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Entity


class Role(StrEnum):
    """The roles of DOMAIN.md."""

    admin = "admin"
    coordinator = "coordinator"
    company_relations = "company_relations"
    referent = "referent"
    staff = "staff"
    tutor = "tutor"
    learner = "learner"
    prescriber = "prescriber"
    auditor = "auditor"


class User(Entity):
    """A person who signs in. Emails are unique across tenants: login needs no organisation."""

    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String, unique=True)
    first_name: Mapped[str] = mapped_column(String)
    last_name: Mapped[str] = mapped_column(String)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str | None] = mapped_column(String)
