"""The rule catalogue's shape: what a rule declares and what its evaluation finds.

Each rule lives in its own module under ``app.services.alerts.rules`` (named by its code) and
registers itself in ``CATALOGUE``. Evaluation runs in SQL over the whole organisation (or the
subjects a change touched) and returns findings with the facts that made the rule hold."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

Severity = Literal["info", "warning", "critical"]
SubjectType = Literal["learner", "contract", "company", "tutor"]
# Who owns a new alert: the learner's referent, the company's owner (company relations),
# staff, or the coordinator (the fallback when nobody else is found).
OwnerKind = Literal["referent", "company_owner", "staff", "coordinator"]


@dataclass(frozen=True)
class Finding:
    """One (rule, subject) that holds on ``as_of``, with the numbers that made it true."""

    rule: str
    subject_type: SubjectType
    subject_id: str
    severity: Severity
    facts: dict[str, Any]
    learner_id: str | None = None
    contract_id: str | None = None
    company_id: str | None = None
    owner_id: str | None = None  # resolved by the rule when it can (referent, company owner)


@dataclass(frozen=True)
class Scope:
    """What to evaluate: the whole organisation, or only some learners (a change's subjects).

    ``learner_ids`` None means every learner; rules on contracts, companies and tutors narrow
    to those linked to the given learners."""

    organisation_id: str
    as_of: date
    learner_ids: Collection[str] | None = None


Evaluate = Callable[[AsyncSession, Scope, dict[str, Any]], Awaitable[list[Finding]]]


@dataclass(frozen=True)
class Rule:
    code: str
    subject_type: SubjectType
    severity: Severity  # the default (lowest) severity; findings may escalate
    owner: OwnerKind
    title: dict[str, str]  # {"fr": ..., "en": ...}
    explanation: dict[str, str]
    source: str
    defaults: dict[str, Any]
    evaluate: Evaluate
    due_in_days: int = 7
    # Validation of a coordinator's parameters: name -> (type, minimum, maximum).
    limits: dict[str, tuple[type, float, float]] = field(default_factory=dict)


CATALOGUE: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    CATALOGUE[rule.code] = rule
    return rule
