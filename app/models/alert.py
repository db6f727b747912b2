from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Entity, utcnow

_LIVE = "status IN ('open', 'acknowledged') AND rule <> 'manual'"


class Alert(Entity):
    """A risk flag on a learner, contract, company or tutor, raised by a rule or by a person.

    At most one alert per (rule, subject) is open or acknowledged at a time: reconciliation
    updates it in place rather than raising a duplicate."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index(
            "ix_alerts_org_rule_subject", "organisation_id", "rule", "subject_type", "subject_id"
        ),
        Index("ix_alerts_org_status", "organisation_id", "status"),
        # The database, not only reconciliation, keeps one live alert per (rule, subject).
        Index(
            "uq_alerts_live_rule_subject",
            "organisation_id",
            "rule",
            "subject_type",
            "subject_id",
            unique=True,
            sqlite_where=text(_LIVE),
            postgresql_where=text(_LIVE),
        ),
    )

    rule: Mapped[str] = mapped_column(String)  # a rule code, or "manual"
    subject_type: Mapped[str] = mapped_column(String)  # learner | contract | company | tutor
    subject_id: Mapped[str] = mapped_column(String(36))
    learner_id: Mapped[str | None] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), index=True
    )
    contract_id: Mapped[str | None] = mapped_column(
        ForeignKey("contracts.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[str | None] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    severity: Mapped[str] = mapped_column(String)  # info | warning | critical
    status: Mapped[str] = mapped_column(String, default="open")
    owner_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    due_on: Mapped[date | None]
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Manual alerts carry their own words; rule alerts are explained from the catalogue.
    title: Mapped[str | None] = mapped_column(String)
    explanation: Mapped[str | None] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(String)
    snoozed_until: Mapped[date | None]
    raised_by_id: Mapped[str | None] = mapped_column(String(36))


class AlertEvent(Entity):
    """One line of an alert's history: opened, updated, acknowledged, comment, reassigned..."""

    __tablename__ = "alert_events"

    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String)
    actor_id: Mapped[str | None] = mapped_column(String(36))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)


class AlertRuleSetting(Entity):
    """An organisation's choice for one rule: enabled or not, and its thresholds."""

    __tablename__ = "alert_rule_settings"
    __table_args__ = (UniqueConstraint("organisation_id", "rule"),)

    rule: Mapped[str] = mapped_column(String)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
