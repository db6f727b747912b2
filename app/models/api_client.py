from __future__ import annotations

from enum import StrEnum

from sqlalchemy import JSON, Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Entity


class Scope(StrEnum):
    """What a machine client may do: read the organisation, write its data, administer it."""

    read = "read"
    write = "write"
    admin = "admin"


class ApiClient(Entity):
    """A machine client (ERP, CRM, script) using the OAuth2 client-credentials grant."""

    __tablename__ = "api_clients"

    name: Mapped[str] = mapped_column(String)
    client_id: Mapped[str] = mapped_column(String, unique=True)
    secret_hash: Mapped[str] = mapped_column(String)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
