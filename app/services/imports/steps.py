"""What planning decides for one row: a step per object (created, updated or unchanged)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel

from app.models.base import new_id
from app.schemas.common import ExternalRefIn
from app.services.imports.profiles import MappedRow

Action = Literal["created", "updated", "unchanged"]
# The order of writes: what is referred to first.
RESOURCES = ("learner", "company", "programme", "cohort", "enrolment", "contract")


class RowRejected(Exception):
    def __init__(self, issues: list[dict[str, Any]]) -> None:
        super().__init__("row rejected")
        self.issues = issues


@dataclass
class Step:
    resource: str  # one of RESOURCES
    object_id: str
    action: Action
    create: BaseModel | None = None  # the input schema of a creation
    changed: dict[str, Any] = field(default_factory=dict)  # the fields an update sets
    update_schema: type[BaseModel] | None = None
    new_ref: ExternalRefIn | None = None  # the file's code, added to a matched object
    parent_id: str | None = None  # the learner of an enrolment (nested under learners)
    break_on: date | None = None  # a contract_break step: the day the file says it broke
    break_reason: str | None = None

    @staticmethod
    def new_id() -> str:
        return new_id()


@dataclass
class Plan:
    row: MappedRow
    steps: list[Step]

    @property
    def outcome(self) -> Action:
        """The strongest of its objects' outcomes."""
        actions = {step.action for step in self.steps}
        return next((a for a in ("created", "updated") if a in actions), "unchanged")
