"""Evaluation: run every enabled rule of the catalogue over a scope and return its findings.

Each rule is one set-based query over the organisation (or the scope's learners), so a whole
scan costs about one query per rule whatever the number of learners. Explanations are
templates filled from a finding's facts (``str.format`` placeholders named after fact keys,
listed in each rule's text); ``explain`` renders them in a language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.services.alerts import rules as _rules  # noqa: F401  (registers every rule)
from app.services.alerts.catalogue import CATALOGUE, Finding, Rule, Scope

# code -> (enabled, the organisation's parameters); a rule absent from it runs on its defaults.
RuleSettings = Mapping[str, tuple[bool, Mapping[str, Any]]]
LANGUAGES = ("fr", "en")
_WORDS = {"fr": ("oui", "non"), "en": ("yes", "no")}


def merge_parameters(rule: Rule, parameters: Mapping[str, Any] | None) -> dict[str, Any]:
    """The rule's defaults overridden by the organisation's values (unknown names ignored:
    a parameter a later version dropped must not break a scan)."""
    given = parameters or {}
    return {name: given.get(name, default) for name, default in rule.defaults.items()}


async def evaluate(session: AsyncSession, scope: Scope, settings: RuleSettings) -> list[Finding]:
    """Every (rule, subject) that holds on ``scope.as_of``, rule by rule in catalogue order,
    subjects in id order within a rule."""
    findings: list[Finding] = []
    for code, rule in CATALOGUE.items():
        enabled, parameters = settings.get(code, (True, {}))
        if enabled:
            findings.extend(await rule.evaluate(session, scope, merge_parameters(rule, parameters)))
    return findings


class _Facts(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"  # a placeholder without its fact stays visible, never raises


def _word(value: Any, language: str) -> str:
    yes, no = _WORDS.get(language, _WORDS["en"])
    if value is None:
        return "—"
    if isinstance(value, bool):
        return yes if value else no
    if isinstance(value, list):
        return ", ".join(_word(item, language) for item in value) or "—"
    return str(value)


def render(template: str, facts: Mapping[str, Any], language: str) -> str:
    """Fill ``{placeholders}`` from facts: null as "—", booleans as yes/no in the language,
    lists joined with commas."""
    return template.format_map(_Facts({k: _word(v, language) for k, v in facts.items()}))


def explain(rule: Rule, facts: Mapping[str, Any], language: str) -> tuple[str, str]:
    """The rule's title and explanation in ``language`` (French when unknown)."""
    lang = language if language in LANGUAGES else "fr"
    return rule.title[lang], render(rule.explanation[lang], facts, lang)
