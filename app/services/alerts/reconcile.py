"""Reconciliation: turn what the rules found into alerts people work, idempotently.

One open (or acknowledged) alert per (rule, subject): a new finding opens one, an open one that
still holds has its facts and severity refreshed, one that no longer holds is resolved with
``condition_cleared``. A dismissed alert keeps its (rule, subject) quiet until its
``snoozed_until``, or, without one, while the condition keeps holding. Running it again on the
same data changes nothing: no row, no version, no event.

Writes are batched (two flushes in all), because a whole-organisation scan may touch
thousands of alerts; each change still gets its history line and its audit entry."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.models import Alert, AlertEvent, Contract, Role, User
from app.models.base import new_id, utcnow
from app.services import audit
from app.services.alerts.catalogue import CATALOGUE, Finding, Scope

ACTIVE = ("open", "acknowledged")
SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}
Key = tuple[str, str, str]  # (rule, subject_type, subject_id)


@dataclass
class Counts:
    opened: int = 0
    updated: int = 0
    resolved: int = 0

    def add(self, other: Counts) -> None:
        self.opened += other.opened
        self.updated += other.updated
        self.resolved += other.resolved


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


def jsonable(facts: dict[str, Any]) -> dict[str, Any]:
    """Facts exactly as the database will give them back, so that comparing is reliable."""
    result: dict[str, Any] = json.loads(json.dumps(facts, default=_plain))
    return result


def linked_to_learners(learner_ids: list[str]) -> ColumnElement[bool]:
    """Alerts a change to these learners may clear: theirs, their contracts', and those on the
    tutors and companies of their contracts (the subjects evaluation narrows to)."""
    theirs = Contract.learner_id.in_(learner_ids)
    return or_(
        Alert.learner_id.in_(learner_ids),
        Alert.contract_id.in_(select(Contract.id).where(theirs)),
        (Alert.subject_type == "tutor")
        & Alert.subject_id.in_(select(Contract.tutor_id).where(theirs)),
        (Alert.subject_type == "company")
        & Alert.subject_id.in_(select(Contract.company_id).where(theirs)),
    )


class _Batch:
    """The changes of one reconciliation: rows to add, history lines and audit entries."""

    def __init__(self, actor: Principal, organisation_id: str) -> None:
        self.actor, self.organisation_id = actor, organisation_id
        self.actor_id = None if actor.kind == "system" else actor.id
        self.opened: list[dict[str, Any]] = []  # new alerts as rows: one INSERT for all
        self.history: list[dict[str, Any]] = []
        self.audit_lines: list[dict[str, Any]] = []
        self.now = utcnow()

    def log(self, alert_id: str, kind: str, action: str, changes: dict[str, Any]) -> None:
        self.history.append(
            {
                "organisation_id": self.organisation_id,
                "alert_id": alert_id,
                "kind": kind,
                "actor_id": self.actor_id,
                "data": changes,
                "occurred_at": self.now,
            }
        )
        self.audit_lines.append(
            audit.values(
                self.actor,
                action=action,
                object_type="alert",
                object_id=alert_id,
                changes=changes,
                organisation_id=self.organisation_id,
            )
        )

    def change(self, alert: Alert, values: dict[str, Any], kind: str, action: str) -> bool:
        changes = {
            key: {"from": _shown(getattr(alert, key)), "to": _shown(value)}
            for key, value in values.items()
            if getattr(alert, key) != value
        }
        if not changes:
            return False
        for key, value in values.items():
            setattr(alert, key, value)
        self.log(alert.id, kind, action, changes)
        return True

    def close(self, alert: Alert, resolution: str) -> None:
        values = {"status": "resolved", "resolution": resolution, "resolved_at": self.now}
        self.change(alert, values, "resolved", "resolve")

    def open(self, row: dict[str, Any]) -> None:
        """A new alert: its row, and history and audit lines naming its set fields, as the
        audit log's snapshot of a new object would."""
        self.opened.append(row)
        changes = {
            key: {"from": None, "to": audit.jsonable(value)}
            for key, value in row.items()
            if value and key not in audit.SKIPPED_FIELDS
        }
        self.log(row["id"], "opened", "create", changes)

    async def write(self, session: AsyncSession) -> None:
        await session.flush()  # changed alerts, before their history lines
        # New alerts as plain rows (a first scan opens tens of thousands: ORM objects and
        # their snapshots were most of its time), before the history lines that refer to them.
        if self.opened:
            await session.execute(insert(Alert), self.opened)
        # History and audit are append-only: batched INSERTs, no objects to track.
        if self.history:
            await session.execute(insert(AlertEvent), self.history)
        await audit.record_many(session, self.audit_lines)


def _shown(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _by_key(findings: Iterable[Finding], enabled: set[str]) -> dict[Key, Finding]:
    """One finding per (rule, subject), the most severe if a rule reported it twice."""
    wanted: dict[Key, Finding] = {}
    for finding in findings:
        if finding.rule not in enabled:
            continue
        key = (finding.rule, finding.subject_type, finding.subject_id)
        kept = wanted.get(key)
        if kept is None or SEVERITY_RANK[finding.severity] > SEVERITY_RANK[kept.severity]:
            wanted[key] = finding
    return wanted


async def _current(session: AsyncSession, scope: Scope, codes: Iterable[str]) -> list[Alert]:
    """Active alerts, and dismissed ones still keeping their (rule, subject) quiet."""
    stmt = select(Alert).where(
        Alert.organisation_id == scope.organisation_id,
        Alert.rule.in_(list(codes)),
        or_(
            Alert.status.in_(ACTIVE),
            (Alert.status == "dismissed")
            & or_(Alert.snoozed_until.is_(None), Alert.snoozed_until > scope.as_of),
        ),
    )
    if scope.learner_ids is not None:
        stmt = stmt.where(linked_to_learners(list(scope.learner_ids)))
    rows = await session.scalars(stmt.order_by(Alert.opened_at, Alert.id))
    return list(rows)


async def first_coordinator(session: AsyncSession, organisation_id: str) -> str | None:
    """Who gets an alert nobody else owns: the organisation's longest-standing coordinator."""
    users = await session.execute(
        select(User.id, User.roles)
        .where(User.organisation_id == organisation_id, User.active.is_(True))
        .order_by(User.created_at, User.id)
    )
    # Roles are a JSON list: filtered here rather than by a database-specific JSON operator.
    return next((uid for uid, roles in users if Role.coordinator in (roles or [])), None)


async def reconcile(
    session: AsyncSession,
    actor: Principal,
    scope: Scope,
    findings: Iterable[Finding],
    settings: dict[str, tuple[bool, dict[str, Any]]],
) -> Counts:
    """Bring the alerts of ``scope`` in line with ``findings`` (the evaluation of the rules
    enabled in ``settings``). With ``scope.learner_ids``, only alerts linked to those learners
    are considered, so a change's trigger never clears an alert it did not re-evaluate."""
    enabled = {code for code, (on, _) in settings.items() if on}
    wanted = _by_key(findings, enabled)
    batch, counts = _Batch(actor, scope.organisation_id), Counts()
    active: dict[Key, Alert] = {}
    quiet: dict[Key, Alert] = {}
    for alert in await _current(session, scope, settings):
        key = (alert.rule, alert.subject_type, alert.subject_id)
        if alert.status == "dismissed":
            quiet.setdefault(key, alert)
        elif key in active:  # two requests raced to open it: keep the first
            batch.close(alert, "duplicate")
            counts.resolved += 1
        else:
            active[key] = alert
    for key, alert in active.items():
        finding = wanted.get(key)
        if alert.rule not in enabled:
            batch.close(alert, "rule_disabled")
            counts.resolved += 1
        elif finding is None:
            batch.close(alert, "condition_cleared")
            counts.resolved += 1
        else:
            values = {"severity": finding.severity, "facts": jsonable(finding.facts)}
            counts.updated += batch.change(alert, values, "updated", "update")
    for key, alert in quiet.items():
        # Dismissed "while it holds": once it no longer holds, the next occurrence is news.
        if alert.snoozed_until is None and key not in wanted and alert.rule in enabled:
            batch.change(alert, {"snoozed_until": scope.as_of}, "quiet_ended", "update")
    coordinator: str | None = None
    looked_up = False  # an organisation may have no coordinator: ask once, not per alert
    for key, finding in wanted.items():
        if key in active or key in quiet:
            continue
        if finding.owner_id is None and not looked_up:
            coordinator = await first_coordinator(session, scope.organisation_id)
            looked_up = True
        batch.open(_new_alert(scope, finding, finding.owner_id or coordinator, batch.now))
        counts.opened += 1
    await batch.write(session)
    return counts


def _new_alert(
    scope: Scope, finding: Finding, owner_id: str | None, now: datetime
) -> dict[str, Any]:
    """The columns a new alert sets; the others take the table's defaults. Every row has the
    same keys, as one executemany needs."""
    rule = CATALOGUE[finding.rule]
    return {
        "id": new_id(),
        "organisation_id": scope.organisation_id,
        "rule": finding.rule,
        "subject_type": finding.subject_type,
        "subject_id": finding.subject_id,
        "learner_id": finding.learner_id,
        "contract_id": finding.contract_id,
        "company_id": finding.company_id,
        "severity": finding.severity,
        "status": "open",
        "owner_id": owner_id,
        "due_on": scope.as_of + timedelta(days=rule.due_in_days),
        "facts": jsonable(finding.facts),
        "opened_at": now,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
