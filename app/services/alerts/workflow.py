"""Alerts as people work them: who sees which, reading them in a language, and transitions
(manual alerts are raised in ``manual``, comments and history live in ``history``).

Scope: the organisation's readers see every alert; a referent sees the alerts on subjects they
follow (``app.services.scope``); anyone sees the alerts they own or raised. Tutors, learners and
prescribers see no other alert: alerts are the CFA's internal risk flags *about* them.
Acting: the owner and the organisation's writers (admin, coordinator, staff, company relations)
move an alert; anyone who sees it may comment, except read-only auditors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Forbidden, IllegalTransition, ValidationFailed, not_found
from app.models import Alert, AlertEvent, Company, Contract, Enrolment, Learner, Role, Tutor, User
from app.models.base import utcnow
from app.pagination import PageRequest, paginate
from app.schemas.alert import AlertDismiss, AlertRead, AlertReassign
from app.services import audit, records, scope
from app.services.alerts import i18n
from app.services.alerts.catalogue import CATALOGUE
from app.services.organisations import local_today

OWNER_ROLES = frozenset(
    {Role.admin, Role.coordinator, Role.staff, Role.company_relations, Role.referent}
)
# What may be done to an alert in each status; resolved and dismissed are final.
ACTIONS: dict[str, tuple[str, ...]] = {
    "open": ("acknowledge", "resolve", "dismiss", "reassign"),
    "acknowledged": ("resolve", "dismiss", "reassign"),
    "resolved": (),
    "dismissed": (),
}
PAST = {
    "acknowledge": "acknowledged",
    "resolve": "resolved",
    "dismiss": "dismissed",
    "reassign": "reassigned",
}
SUBJECTS: dict[str, tuple[Any, Any]] = {
    "learner": (Learner, scope.learner_condition),
    "contract": (Contract, scope.contract_condition),
    "company": (Company, scope.company_condition),
    "tutor": (Tutor, scope.tutor_condition),
}


def condition(principal: Principal) -> ColumnElement[bool]:
    tenant = Alert.organisation_id == principal.organisation_id
    if principal.sees_whole_organisation:
        return tenant
    parts: list[ColumnElement[bool]] = [
        Alert.owner_id == principal.id,
        Alert.raised_by_id == principal.id,
    ]
    if Role.referent in principal.roles:
        # Through the referent role only: being a tutor too must not widen what they see.
        referent = Principal(
            principal.kind, principal.id, principal.organisation_id, frozenset({Role.referent})
        )
        for subject_type, (model, visible) in SUBJECTS.items():
            parts.append(
                (Alert.subject_type == subject_type)
                & Alert.subject_id.in_(select(model.id).where(visible(referent)))
            )
    return tenant & or_(*parts)


async def get(session: AsyncSession, principal: Principal, alert_id: str) -> Alert:
    alert = await session.scalar(select(Alert).where(Alert.id == alert_id, condition(principal)))
    if alert is None:
        raise not_found("alert", alert_id)
    return alert


def read(alert: Alert, lang: i18n.Language) -> AlertRead:
    """Rule alerts are explained from the catalogue in the caller's language; manual alerts
    (and alerts of a rule since removed) keep their own words."""
    rule = CATALOGUE.get(alert.rule)
    if rule is None:
        title, explanation = alert.title or alert.rule, alert.explanation
    else:
        title = i18n.render(rule.title, alert.facts, lang)
        explanation = i18n.render(rule.explanation, alert.facts, lang)
    fields = {name: getattr(alert, name, None) for name in AlertRead.model_fields}
    return AlertRead.model_validate({**fields, "title": title, "explanation": explanation})


def _filter(stmt: Select[Any], filters: Mapping[str, Any]) -> Select[Any]:
    for key, value in filters.items():
        if value is None:
            continue
        if key == "cohort_id":
            enrolled = select(Enrolment.learner_id).where(Enrolment.cohort_id == value)
            stmt = stmt.where(Alert.learner_id.in_(enrolled))
        elif key == "due_from":
            stmt = stmt.where(Alert.due_on >= value)
        elif key == "due_to":
            stmt = stmt.where(Alert.due_on <= value)
        elif key == "due_before":
            stmt = stmt.where(Alert.due_on < value)
        else:
            stmt = stmt.where(getattr(Alert, key) == value)
    return stmt


async def list_(
    session: AsyncSession,
    principal: Principal,
    page: PageRequest,
    filters: Mapping[str, Any],
    lang: i18n.Language,
) -> tuple[list[AlertRead], str | None]:
    stmt = _filter(select(Alert).where(condition(principal)), filters)
    rows, cursor = await paginate(session, stmt, Alert, page)
    return [read(alert, lang) for alert in rows], cursor


def _may_act(principal: Principal, alert: Alert) -> None:
    if principal.writes_organisation or (alert.owner_id and alert.owner_id == principal.id):
        return
    raise Forbidden("Only the alert's owner or the organisation's team may change it.")


def may_write_at_all(principal: Principal) -> None:
    if not principal.roles - {Role.auditor}:
        raise Forbidden("Auditors read alerts; they do not raise or comment on them.")


def event(
    session: AsyncSession,
    principal: Principal,
    alert: Alert,
    kind: str,
    note: str | None = None,
    data: dict[str, Any] | None = None,
) -> AlertEvent:
    event = AlertEvent(
        organisation_id=alert.organisation_id,
        alert_id=alert.id,
        kind=kind,
        actor_id=None if principal.kind == "system" else principal.id,
        note=note,
        data=data or {},
    )
    session.add(event)
    return event


async def team_member(
    session: AsyncSession, principal: Principal, user_id: str | None
) -> str | None:
    """``user_id`` when it is an active member of the organisation's team, else None."""
    if user_id is None:
        return None
    roles = await session.scalar(
        select(User.roles).where(
            User.id == user_id,
            User.organisation_id == principal.organisation_id,
            User.active.is_(True),
        )
    )
    return user_id if OWNER_ROLES & set(roles or []) else None


async def _actionable(session: AsyncSession, principal: Principal, alert_id: str) -> Alert:
    """The alert, if the caller sees it (else 404) and may act on it (else 403)."""
    alert = await get(session, principal, alert_id)
    _may_act(principal, alert)
    return alert


async def _move(
    session: AsyncSession,
    principal: Principal,
    alert: Alert,
    expected_version: int | None,
    action: str,
    values: dict[str, Any],
    note: str | None = None,
) -> Alert:
    """One action on an alert: 412 on a stale If-Match, 409 ``illegal-transition`` naming
    the actions its status allows; the change in its history and the audit log."""
    records.check_version(alert, expected_version)
    allowed = ACTIONS[alert.status]
    if action not in allowed:
        raise IllegalTransition(
            f"A {alert.status} alert cannot be {PAST[action]}."
            if allowed
            else f"A {alert.status} alert is closed: it can no longer change.",
            allowed=list(allowed),
            current_status=alert.status,
        )
    before = audit.snapshot(alert)
    await records.update(session, principal, alert, values, "alert", action=action)
    changes = audit.diff(before, audit.snapshot(alert))
    if changes or note:
        event(session, principal, alert, PAST[action], note=note, data=changes)
        await session.flush()
    return alert


async def acknowledge(
    session: AsyncSession, principal: Principal, alert_id: str, expected_version: int | None
) -> Alert:
    alert = await _actionable(session, principal, alert_id)
    values = {"status": "acknowledged"}
    return await _move(session, principal, alert, expected_version, "acknowledge", values)


async def resolve(
    session: AsyncSession,
    principal: Principal,
    alert_id: str,
    note: str,
    expected_version: int | None,
) -> Alert:
    alert = await _actionable(session, principal, alert_id)
    values = {"status": "resolved", "resolution": "handled", "resolved_at": utcnow()}
    return await _move(session, principal, alert, expected_version, "resolve", values, note)


async def dismiss(
    session: AsyncSession,
    principal: Principal,
    alert_id: str,
    data: AlertDismiss,
    expected_version: int | None,
) -> Alert:
    alert = await _actionable(session, principal, alert_id)
    if data.snoozed_until is not None:
        today = await local_today(session, principal.organisation_id)
        if data.snoozed_until <= today:
            raise ValidationFailed.on(["body", "snoozed_until"], f"Must be after {today}.")
    values = {
        "status": "dismissed",
        "resolution": "dismissed",
        "resolved_at": utcnow(),
        "snoozed_until": data.snoozed_until,
    }
    return await _move(session, principal, alert, expected_version, "dismiss", values, data.reason)


async def reassign(
    session: AsyncSession,
    principal: Principal,
    alert_id: str,
    data: AlertReassign,
    expected_version: int | None,
) -> Alert:
    alert = await _actionable(session, principal, alert_id)
    if await team_member(session, principal, data.owner_id) is None:
        raise ValidationFailed.on(
            ["body", "owner_id"], "Not an active member of the organisation's team."
        )
    values = {"owner_id": data.owner_id}
    return await _move(session, principal, alert, expected_version, "reassign", values, data.note)
