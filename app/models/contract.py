from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Entity, utcnow


class ContractStatus(StrEnum):
    draft = "draft"
    signed = "signed"
    filed = "filed"
    registered = "registered"
    rejected = "rejected"
    broken = "broken"
    completed = "completed"
    cancelled = "cancelled"


class Contract(Entity):
    """An apprenticeship, professionalisation contract or internship agreement."""

    __tablename__ = "contracts"
    __table_args__ = (Index("ix_contracts_org_status", "organisation_id", "status"),)

    kind: Mapped[str] = mapped_column(String)
    learner_id: Mapped[str] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[str] = mapped_column(
        ForeignKey("companies.id", ondelete="RESTRICT"), index=True
    )
    tutor_id: Mapped[str | None] = mapped_column(
        ForeignKey("tutors.id", ondelete="SET NULL"), index=True
    )
    cohort_id: Mapped[str | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="SET NULL"), index=True
    )
    start_date: Mapped[date]
    end_date: Mapped[date]
    practical_start_date: Mapped[date | None]
    opco: Mapped[str | None] = mapped_column(String)
    status: Mapped[str] = mapped_column(String, default=ContractStatus.draft)
    break_date: Mapped[date | None]
    break_initiator: Mapped[str | None] = mapped_column(String)
    break_reason: Mapped[str | None] = mapped_column(String)
    sites: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class ContractEvent(Entity):
    """A status transition or a tutor change on a contract: who, when, why."""

    __tablename__ = "contract_events"

    contract_id: Mapped[str] = mapped_column(
        ForeignKey("contracts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String)  # created | transition | tutor_change
    from_status: Mapped[str | None] = mapped_column(String)
    to_status: Mapped[str | None] = mapped_column(String)
    from_tutor_id: Mapped[str | None] = mapped_column(String(36))
    to_tutor_id: Mapped[str | None] = mapped_column(String(36))
    on: Mapped[date]
    reason: Mapped[str | None] = mapped_column(String)
    actor_id: Mapped[str | None] = mapped_column(String(36))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
