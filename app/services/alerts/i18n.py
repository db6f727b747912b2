"""Titles and explanations in the caller's language: French by default, English on request.

Rule texts come from the catalogue with ``{placeholders}`` filled from the alert's facts by the
rules' own renderer (``evaluation.render``: yes/no, "—" for null, in the language); should a
template ever trip it, a plain substitution answers instead of failing the whole list."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from app.services.alerts import evaluation

Language = Literal["fr", "en"]
SUPPORTED: tuple[Language, ...] = ("fr", "en")
DEFAULT: Language = "fr"
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_RANGE = re.compile(
    r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]{1,5}))?\s*$"
)


def language(accept_language: str | None) -> Language:
    """The best supported language of an ``Accept-Language`` header (RFC 9110 q-values);
    anything unreadable or unsupported falls back to French."""
    if not accept_language:
        return DEFAULT
    best: Language = DEFAULT
    best_key: tuple[float, int] | None = None
    for position, part in enumerate(accept_language.split(",")[:20]):
        match = _RANGE.match(part)
        if match is None:
            continue
        tag = match.group(1).lower()
        try:
            quality = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        if quality <= 0:
            continue
        # Higher quality first, then the order the client wrote them in.
        key = (quality, -position)
        for supported in SUPPORTED:
            if tag == supported and (best_key is None or key > best_key):
                best, best_key = supported, key
    return best


def pick(texts: Mapping[str, str], lang: Language) -> str:
    return texts.get(lang) or texts.get(DEFAULT) or next(iter(texts.values()), "")


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return ", ".join(_show(v) for v in value)
    return str(value)


def fill(template: str, facts: Mapping[str, Any]) -> str:
    """Replace ``{name}`` by ``facts[name]``; no format specs, no attribute access."""
    return _PLACEHOLDER.sub(
        lambda m: _show(facts[m.group(1)]) if m.group(1) in facts else m.group(0), template
    )


def render(texts: Mapping[str, str], facts: Mapping[str, Any], lang: Language) -> str:
    template = pick(texts, lang)
    try:
        return evaluation.render(template, facts, lang)
    except (ValueError, KeyError, IndexError, AttributeError, TypeError):
        return fill(template, facts)
