"""Indicators: the catalogue, a value (with groups), the records behind it, the dashboard,
shareable aggregates and the Qualiopi evidence pack (read-only)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Unit = Literal["count", "rate", "days"]
GroupBy = Literal[
    "month", "programme", "cohort", "company", "referent", "owner", "rule", "severity"
]


class IndicatorInfo(BaseModel):
    code: str
    title: str
    definition: str
    unit: Unit
    subject: str
    filters: list[str]
    groupings: list[str]


class IndicatorCatalogue(BaseModel):
    items: list[IndicatorInfo]


class Measure(BaseModel):
    value: float | int | None
    numerator: int | None = None
    denominator: int | None = None
    records: int


class IndicatorGroup(Measure):
    key: str | None
    label: str | None


class IndicatorValue(Measure):
    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "code": "rupture_rate",
                    "unit": "rate",
                    "from": "2025-09-01",
                    "to": "2026-08-31",
                    "group_by": None,
                    "value": 0.125,
                    "numerator": 5,
                    "denominator": 40,
                    "records": 40,
                    "groups": [],
                }
            ]
        },
    )

    code: str
    unit: Unit
    from_: date = Field(alias="from")
    to: date
    group_by: str | None = None
    groups: list[IndicatorGroup]


class IndicatorRecord(BaseModel):
    kind: str
    id: str
    learner_id: str | None
    contract_id: str | None
    company_id: str | None
    cohort_id: str | None
    programme_id: str | None
    referent_id: str | None
    owner_id: str | None
    on: str | None
    in_numerator: bool | None
    days: float | None
    rule: str | None
    severity: str | None
    group_key: str | None


class IndicatorRecordPage(BaseModel):
    items: list[IndicatorRecord]
    next_cursor: str | None = None


class Dashboard(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from")
    to: date
    indicators: list[IndicatorValue]


class ShareableCell(BaseModel):
    programme: str
    month: str
    signed: int | None
    signed_suppressed: bool
    broken: int | None
    broken_suppressed: bool


class Shareable(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from")
    to: date
    threshold: int
    cells: list[ShareableCell]


class EvidenceList(BaseModel):
    name: str
    columns: list[str]
    rows: list[dict[str, str | int | float | bool | None]]
    truncated: bool


class QualiopiCriterion(BaseModel):
    criterion: int
    title: str
    indicators: list[IndicatorValue]
    evidence: list[EvidenceList]


class QualiopiEvidence(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from")
    to: date
    criteria: list[QualiopiCriterion]
