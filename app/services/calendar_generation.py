"""Which days of a cohort are at the CFA, in company or off: pure rules, no database.

For each day the first rule that applies wins:
1. a French public holiday (with Good Friday and 26 December in Alsace-Moselle) is ``off``:
   the CFA never teaches on one, and the employer cannot require it either;
2. a day in one of the CFA's closure periods is ``off``;
3. the rhythm: a CFA day is ``cfa``; another Monday-Friday is ``company``; Saturday and Sunday
   are ``off`` unless the rhythm puts CFA classes on them.

A weekly rhythm lists the CFA weekdays (0 = Monday). A cycle rhythm is a list of week kinds
(``cfa``/``company``) repeated from an anchor Monday, before and after it; in a CFA week the CFA
days are ``cfa_weekdays`` (Monday-Friday when empty), the other weekdays are in company."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import holidays

WEEKLY, CYCLE = "weekly", "cycle"
CFA, COMPANY, OFF = "cfa", "company", "off"
WORKING_WEEK = (0, 1, 2, 3, 4)
# The holidays library's subdivision for Moselle (same days as Bas-Rhin and Haut-Rhin).
ALSACE_MOSELLE_SUBDIVISION = "57"


@dataclass(frozen=True)
class Closure:
    start: date
    end: date
    label: str = ""


@dataclass(frozen=True)
class Rhythm:
    kind: str = WEEKLY
    cfa_weekdays: tuple[int, ...] = ()
    cycle: tuple[str, ...] = ()
    cycle_anchor: date | None = None
    closures: tuple[Closure, ...] = field(default_factory=tuple)
    holiday_zone: str = "metropole"

    @classmethod
    def from_stored(
        cls,
        kind: str,
        cfa_weekdays: Sequence[int],
        cycle: Sequence[str],
        cycle_anchor: date | None,
        closures: Sequence[Mapping[str, Any]],
        holiday_zone: str,
    ) -> Rhythm:
        """From the columns of ``CohortRhythm`` (closures stored as ``{from, to, label}``)."""
        return cls(
            kind=kind,
            cfa_weekdays=tuple(cfa_weekdays),
            cycle=tuple(cycle),
            cycle_anchor=cycle_anchor,
            closures=tuple(
                Closure(_as_date(c["from"]), _as_date(c["to"]), str(c.get("label") or ""))
                for c in closures
            ),
            holiday_zone=holiday_zone,
        )


@dataclass(frozen=True)
class GeneratedDay:
    day: date
    kind: str
    note: str | None = None


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def public_holidays(zone: str, start: date, end: date) -> dict[date, str]:
    """French public holidays between two dates' years, named in French."""
    subdivision = ALSACE_MOSELLE_SUBDIVISION if zone == "alsace_moselle" else None
    found = holidays.France(
        years=range(start.year, end.year + 1), subdiv=subdivision, language="fr"
    )
    return {day: str(name) for day, name in found.items()}


def week_kind(rhythm: Rhythm, day: date) -> str:
    """``cfa`` or ``company``: the kind of the week ``day`` falls in, for a cycle rhythm."""
    if not rhythm.cycle or rhythm.cycle_anchor is None:
        return COMPANY
    monday = day - timedelta(days=day.weekday())
    # Floor division and modulo keep the cycle going backwards from the anchor too.
    index = ((monday - rhythm.cycle_anchor).days // 7) % len(rhythm.cycle)
    return rhythm.cycle[index]


def rhythm_kind(rhythm: Rhythm, day: date) -> str:
    """The day's kind from the rhythm alone (no holidays, no closures)."""
    weekday = day.weekday()
    if rhythm.kind == CYCLE:
        in_cfa_week = week_kind(rhythm, day) == CFA
        cfa_days = rhythm.cfa_weekdays or WORKING_WEEK
        if in_cfa_week and weekday in cfa_days:
            return CFA
    elif weekday in rhythm.cfa_weekdays:
        return CFA
    return COMPANY if weekday in WORKING_WEEK else OFF


def day_of(rhythm: Rhythm, day: date, public: Mapping[date, str]) -> GeneratedDay:
    name = public.get(day)
    if name is not None:
        return GeneratedDay(day, OFF, f"Jour férié : {name}")
    for closure in rhythm.closures:
        if closure.start <= day <= closure.end:
            return GeneratedDay(day, OFF, closure.label or "Fermeture")
    return GeneratedDay(day, rhythm_kind(rhythm, day))


def generate(rhythm: Rhythm, start: date, end: date) -> list[GeneratedDay]:
    """Every day from ``start`` to ``end`` included, in order."""
    if end < start:
        return []
    public = public_holidays(rhythm.holiday_zone, start, end)
    return [
        day_of(rhythm, start + timedelta(days=offset), public)
        for offset in range((end - start).days + 1)
    ]
