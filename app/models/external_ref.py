from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, new_id


class ExternalRef(Base):
    """An id that another system (Ypareo, Digiforma, a CRM) gives to one of our objects.

    One table for every resource, so lookup and upsert by ``source:ref`` work the same way
    everywhere; unique per organisation, resource type, source and ref."""

    __tablename__ = "external_refs"
    __table_args__ = (
        UniqueConstraint("organisation_id", "resource", "source", "ref"),
        Index("ix_external_refs_object", "resource", "object_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    resource: Mapped[str] = mapped_column(String)
    object_id: Mapped[str] = mapped_column(String(36))
    source: Mapped[str] = mapped_column(String)
    ref: Mapped[str] = mapped_column(String)
