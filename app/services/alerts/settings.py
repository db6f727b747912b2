"""An organisation's choices over the rule catalogue: which rules run, with which thresholds.

Only what a coordinator changed is stored (``AlertRuleSetting.parameters`` holds overrides);
the effective parameters are the rule's defaults with those overrides on top, so a default
improved in code reaches every organisation that did not change it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import ORGANISATION_READERS, Principal
from app.errors import Forbidden, NotFound, PreconditionFailed, ValidationFailed
from app.models import AlertRuleSetting, Role
from app.schemas.alert import AlertRuleRead, AlertRuleUpdate
from app.services import records
from app.services.alerts import i18n
from app.services.alerts.catalogue import CATALOGUE, Rule

# The team reads the catalogue; tutors, learners and prescribers never see alerts.
READERS = ORGANISATION_READERS | {Role.referent}
SETTERS = frozenset({Role.coordinator, Role.admin})
_TYPE_NAMES = {bool: "boolean", int: "integer", float: "number", str: "string"}

Settings = dict[str, tuple[bool, dict[str, Any]]]


def effective(rule: Rule, overrides: dict[str, Any]) -> dict[str, Any]:
    """The defaults with the organisation's overrides on top (one level deep for a parameter
    that is itself a mapping). Overrides of parameters the rule no longer has are ignored, as
    ``evaluation.merge_parameters`` does: a rule's parameters are the names of its defaults."""
    merged = dict(rule.defaults)
    for name, value in overrides.items():
        if name not in merged:
            continue
        default = merged.get(name)
        merged[name] = {**default, **value} if isinstance(default, dict) else value
    return merged


async def _stored(session: AsyncSession, organisation_id: str) -> dict[str, AlertRuleSetting]:
    rows = await session.scalars(
        select(AlertRuleSetting).where(AlertRuleSetting.organisation_id == organisation_id)
    )
    return {row.rule: row for row in rows}


async def load(session: AsyncSession, organisation_id: str) -> Settings:
    """Every rule of the catalogue: (enabled, effective parameters) for this organisation."""
    stored = await _stored(session, organisation_id)
    result: Settings = {}
    for code, rule in CATALOGUE.items():
        row = stored.get(code)
        result[code] = (
            row.enabled if row else True,
            effective(rule, dict(row.parameters) if row else {}),
        )
    return result


def _rule(code: str) -> Rule:
    rule = CATALOGUE.get(code)
    if rule is None:
        raise NotFound(f"No alert rule with code {code!r}.")
    return rule


def _check_reader(principal: Principal) -> None:
    if not principal.has_any(READERS):
        raise Forbidden("Alert rules are read by the organisation's team.")


def _read(rule: Rule, row: AlertRuleSetting | None, lang: i18n.Language) -> AlertRuleRead:
    return AlertRuleRead(
        code=rule.code,
        subject_type=rule.subject_type,
        severity=rule.severity,
        owner=rule.owner,
        title=i18n.pick(rule.title, lang),
        explanation=i18n.pick(rule.explanation, lang),
        source=rule.source,
        defaults=dict(rule.defaults),
        limits={
            name: {"type": _TYPE_NAMES.get(kind, "number"), "minimum": low, "maximum": high}
            for name, (kind, low, high) in rule.limits.items()
        },
        due_in_days=rule.due_in_days,
        enabled=row.enabled if row else True,
        parameters=effective(rule, dict(row.parameters) if row else {}),
        version=row.version if row else 0,
        updated_at=row.updated_at if row else None,
    )


async def list_rules(
    session: AsyncSession, principal: Principal, lang: i18n.Language
) -> list[AlertRuleRead]:
    _check_reader(principal)
    stored = await _stored(session, principal.organisation_id)
    return [_read(rule, stored.get(code), lang) for code, rule in CATALOGUE.items()]


async def get_rule(
    session: AsyncSession, principal: Principal, code: str, lang: i18n.Language
) -> AlertRuleRead:
    _check_reader(principal)
    rule = _rule(code)
    stored = await _stored(session, principal.organisation_id)
    return _read(rule, stored.get(code), lang)


def _type_error(expected: Any, value: Any) -> str | None:
    """Why ``value`` cannot replace a parameter whose default is ``expected``, or None."""
    if expected is None:
        return None
    if isinstance(expected, bool) or isinstance(value, bool):
        same = isinstance(expected, bool) and isinstance(value, bool)
        return None if same else f"must be {_TYPE_NAMES.get(type(expected), 'of the same type')}"
    if isinstance(expected, float) and isinstance(value, int | float):
        return None
    if isinstance(expected, dict):
        if not isinstance(value, dict):
            return "must be an object"
        for key, item in value.items():
            if key not in expected:
                return f"unknown key {key!r}; known: {', '.join(sorted(expected))}"
            why = _type_error(expected[key], item)
            if why:
                return f"{key}: {why}"
        return None
    if not isinstance(value, type(expected)):
        return f"must be {_TYPE_NAMES.get(type(expected), type(expected).__name__)}"
    if isinstance(value, str) and "\x00" in value:
        return "must not contain NUL characters"
    return None


def _limit_error(limit: tuple[type, float, float], value: Any) -> str | None:
    kind, low, high = limit
    if kind is bool or isinstance(value, bool):
        return None if kind is bool and isinstance(value, bool) else f"must be {_TYPE_NAMES[kind]}"
    numeric = isinstance(value, int | float) if kind is float else isinstance(value, kind)
    if not numeric:
        return f"must be {_TYPE_NAMES.get(kind, kind.__name__)}"
    if isinstance(value, int | float) and not low <= value <= high:
        return f"must be between {low:g} and {high:g}"
    return None


def validate(rule: Rule, changes: dict[str, Any]) -> None:
    """Every unknown or out-of-limits parameter is a 422 naming it."""
    errors = []
    for name, value in changes.items():
        loc = ["body", "parameters", name]
        if name not in rule.defaults:
            known = ", ".join(sorted(rule.defaults)) or "none"
            why: str | None = f"Unknown parameter for {rule.code}; known: {known}."
        elif value is None:
            why = None  # back to the default
        elif name in rule.limits:
            why = _limit_error(rule.limits[name], value)
        else:
            why = _type_error(rule.defaults[name], value)
        if why:
            errors.append({"loc": loc, "msg": why, "type": "value_error"})
    if errors:
        raise ValidationFailed("Invalid rule parameters.", errors=errors)


# Thresholds that only make sense in order, found by their names: warning before critical,
# min before max, first before second before third.
ORDERED_PREFIXES = (
    ("warning_", "critical_"),
    ("min_", "max_"),
    ("first_", "second_"),
    ("second_", "third_"),
)


def check_order(rule: Rule, overrides: dict[str, Any], sent: set[str]) -> None:
    """With the change applied, each pair of ordered thresholds is still in order (else a 422
    naming the parameter that was sent)."""
    values = effective(rule, overrides)
    errors = []
    for low_prefix, high_prefix in ORDERED_PREFIXES:
        for low in (n for n in rule.defaults if n.startswith(low_prefix)):
            high = high_prefix + low.removeprefix(low_prefix)
            if high not in rule.defaults or values[low] < values[high]:
                continue
            named = high if high in sent else low
            errors.append(
                {
                    "loc": ["body", "parameters", named],
                    "msg": f"{low} ({values[low]}) must be below {high} ({values[high]}).",
                    "type": "value_error",
                }
            )
    if errors:
        raise ValidationFailed("Invalid rule parameters.", errors=errors)


async def update_rule(
    session: AsyncSession,
    principal: Principal,
    code: str,
    data: AlertRuleUpdate,
    expected_version: int | None,
    lang: i18n.Language,
) -> AlertRuleRead:
    """Enable or disable a rule and change its thresholds (only what differs from the
    defaults is stored; a change to nothing writes nothing)."""
    _check_reader(principal)
    rule = _rule(code)
    if not principal.has_any(SETTERS):
        raise Forbidden("Only a coordinator or an admin sets alert rules.")
    for field in ("enabled", "parameters"):
        if field in data.model_fields_set and getattr(data, field) is None:
            raise ValidationFailed.on(["body", field], "must not be null")
    row = (await _stored(session, principal.organisation_id)).get(code)
    current = row.version if row else 0
    if expected_version is not None and expected_version != current:
        raise PreconditionFailed(
            f"The setting is at version {current}, not {expected_version}: read it again.",
            current_version=current,
        )
    overrides = dict(row.parameters) if row else {}
    if data.parameters is not None:
        validate(rule, data.parameters)
        for name, value in data.parameters.items():
            if value is None:
                overrides.pop(name, None)
            else:
                overrides[name] = value
        check_order(rule, overrides, set(data.parameters))
    enabled = data.enabled if data.enabled is not None else (row.enabled if row else True)
    if row is None and (not enabled or overrides):
        row = AlertRuleSetting(rule=code, enabled=enabled, parameters=overrides)
        row = await records.create(session, principal, row, "alert_rule_setting")
    elif row is not None:
        values = {"enabled": enabled, "parameters": overrides}
        await records.update(session, principal, row, values, "alert_rule_setting")
    return _read(rule, row, lang)
