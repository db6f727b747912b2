"""Alerts (risk flags worked to resolution), their history, the scan, and the rule catalogue."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import LongText, Name, ReadSchema, Schema, ShortText

Severity = Literal["info", "warning", "critical"]
SubjectType = Literal["learner", "contract", "company", "tutor"]
AlertStatus = Literal["open", "acknowledged", "resolved", "dismissed"]
# condition_cleared: a scan found the rule no longer holds; handled: a person resolved it;
# dismissed: a person dismissed it; rule_disabled: the organisation turned the rule off;
# duplicate: a second alert for the same (rule, subject) closed in favour of the first.
Resolution = Literal["condition_cleared", "handled", "dismissed", "rule_disabled", "duplicate"]
Id = Annotated[str, Field(min_length=1, max_length=36)]
# Dates a person may choose: wide, but far from the limits of date arithmetic.
PlainDate = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2100, 12, 31))]
Note = Annotated[LongText, Field(min_length=1, max_length=5000)]

_ALERT: dict[str, Any] = {
    "rule": "no_employer_after_window",
    "subject_type": "learner",
    "subject_id": "5f0c…",
    "learner_id": "5f0c…",
    "contract_id": None,
    "company_id": None,
    "severity": "critical",
    "status": "open",
    "owner_id": "a1b2…",
    "due_on": "2026-12-07",
    "facts": {"days_without_contract": 95, "threshold_days": 90, "enrolled_on": "2026-09-01"},
    "title": "Sans employeur depuis 95 jours",
    "explanation": "Inscrit·e le 2026-09-01, sans contrat en cours depuis 95 jours (seuil 90).",
    "opened_at": "2026-11-30T06:00:00Z",
    "resolved_at": None,
    "resolution": None,
    "snoozed_until": None,
    "raised_by_id": None,
}


class AlertCreate(Schema):
    """A manual alert: a worrying call, a conflict. The subject must be one you may see."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "subject_type": "learner",
                    "subject_id": "5f0c…",
                    "severity": "warning",
                    "title": "Appel inquiétant de la tutrice",
                    "explanation": "Retards répétés et tension avec l'équipe depuis 2 semaines.",
                    "due_on": "2026-11-15",
                }
            ]
        }
    )

    subject_type: SubjectType
    subject_id: Id
    severity: Severity = "warning"
    title: Name
    explanation: LongText | None = None
    due_on: PlainDate | None = Field(
        default=None, description="Default: 7 days from today in the organisation's time zone."
    )
    owner_id: Id | None = Field(
        default=None,
        description="Default: the learner's referent, else the company's owner, else the "
        "organisation's coordinator.",
    )


class AlertResolve(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"note": "Contrat signé avec la boulangerie Martin."}]}
    )

    note: Note


class AlertDismiss(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"reason": "Rupture déjà traitée avec le médiateur.", "snoozed_until": None}
            ]
        }
    )

    reason: Annotated[ShortText, Field(min_length=1)]
    snoozed_until: PlainDate | None = Field(
        default=None,
        description="Stay quiet until this date (after today); without it, stay quiet while "
        "the condition keeps holding.",
    )


class AlertReassign(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"owner_id": "a1b2…"}]})

    owner_id: Id = Field(description="An active user of the organisation's team.")
    note: Note | None = None


class AlertCommentCreate(Schema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"note": "Appelé l'entreprise, rappel prévu lundi."}]}
    )

    note: Note


class AlertRead(ReadSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"id": "…", **_ALERT}]})

    rule: str = Field(description="A rule code of the catalogue, or `manual`.")
    subject_type: SubjectType
    subject_id: str
    learner_id: str | None
    contract_id: str | None
    company_id: str | None
    severity: Severity
    status: AlertStatus
    owner_id: str | None
    due_on: date | None
    facts: dict[str, Any]
    title: str = Field(description="In the caller's Accept-Language (fr by default, or en).")
    explanation: str | None
    opened_at: datetime
    resolved_at: datetime | None
    resolution: Resolution | None
    snoozed_until: date | None
    raised_by_id: str | None = Field(description="Who raised a manual alert; null for rules.")


class AlertEventRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "…",
                    "alert_id": "…",
                    "kind": "updated",
                    "actor_id": None,
                    "note": None,
                    "data": {"severity": {"from": "warning", "to": "critical"}},
                    "occurred_at": "2026-11-30T06:00:00Z",
                }
            ]
        },
    )

    id: str
    alert_id: str
    kind: str = Field(
        description="opened, updated, acknowledged, resolved, dismissed, reassigned, comment, "
        "or quiet_ended (the condition of a dismissed alert cleared)."
    )
    actor_id: str | None = Field(description="The user or API client; null for a scan.")
    note: str | None
    data: dict[str, Any]
    occurred_at: datetime


class ScanCreate(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"as_of": "2026-11-30"}]})

    as_of: PlainDate | None = Field(
        default=None, description="Default: today in the organisation's time zone."
    )


class ScanRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"as_of": "2026-11-30", "opened": 3, "updated": 1, "resolved": 2}]
        }
    )

    as_of: date
    opened: int
    updated: int
    resolved: int


class ParameterLimit(BaseModel):
    type: Literal["integer", "number", "boolean", "string"]
    minimum: float | None = None
    maximum: float | None = None


class AlertRuleRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "no_employer_after_window",
                    "subject_type": "learner",
                    "severity": "warning",
                    "owner": "referent",
                    "title": "Sans employeur après la fenêtre légale",
                    "explanation": "Inscrit·e sans contrat en cours depuis trop longtemps.",
                    "source": "Code du travail L6222-12-1",
                    "defaults": {"warning_days": 60, "critical_days": 90},
                    "limits": {"warning_days": {"type": "integer", "minimum": 1, "maximum": 365}},
                    "due_in_days": 7,
                    "enabled": True,
                    "parameters": {"warning_days": 45, "critical_days": 90},
                    "version": 2,
                    "updated_at": "2026-10-01T08:00:00Z",
                }
            ]
        }
    )

    code: str
    subject_type: SubjectType
    severity: Severity = Field(description="The default (lowest) severity; findings may escalate.")
    owner: str = Field(description="Who a new alert goes to: referent, company_owner, staff...")
    title: str
    explanation: str
    source: str
    defaults: dict[str, Any]
    limits: dict[str, ParameterLimit]
    due_in_days: int
    enabled: bool = Field(description="This organisation's setting.")
    parameters: dict[str, Any] = Field(description="Effective: the defaults and your changes.")
    version: int = Field(description="Of this organisation's setting; 0 until first changed.")
    updated_at: datetime | None


class AlertRuleUpdate(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"enabled": True, "parameters": {"warning_days": 45}}, {"enabled": False}]
        }
    )

    enabled: bool | None = None
    parameters: dict[str, Any] | None = Field(
        default=None,
        max_length=50,
        description="Only the parameters to change; `null` for one puts its default back.",
    )
