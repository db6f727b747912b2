"""An indicator's value for a window, filtered and grouped: one SQL query for the whole and
one for the groups, over the family's facts (never loading the rows into Python).

Medians are computed in SQL on both engines with window functions: rows ranked by days within
their group, then the average of the middle one or two (``row_number``/``count`` over the
group; SQLite >= 3.25 and PostgreSQL alike, no ``percentile_cont``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Select, Subquery, and_, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Forbidden, NotFound, ValidationFailed
from app.models import Cohort, Company, Programme, Role, User
from app.services.alerts.rules.common import directory
from app.services.indicators import facts_activity, facts_contracts, facts_learners
from app.services.indicators.catalogue import BY_CODE, Indicator
from app.services.indicators.sql import Window, facts, month_key
from app.services.organisations import local_today

READERS = frozenset(
    {Role.admin, Role.coordinator, Role.staff, Role.company_relations, Role.auditor, Role.referent}
)
BUILDERS: dict[str, Callable[[Window], Select[Any]]] = {
    code: getattr(module, code)
    for module in (facts_contracts, facts_learners, facts_activity)
    for code in BY_CODE
    if hasattr(module, code)
}
LABELS: dict[str, tuple[Any, Any]] = {
    "programme": (Programme.id, Programme.title),
    "cohort": (Cohort.id, Cohort.name),
    "company": (Company.id, Company.name),
    "referent": (User.id, User.first_name + " " + User.last_name),
    "owner": (User.id, User.first_name + " " + User.last_name),
}


def check_reader(principal: Principal) -> None:
    if not principal.has_any(READERS):
        raise Forbidden("Indicators are for the CFA's team, referents and auditors.")


def indicator(code: str) -> Indicator:
    if code not in BY_CODE:
        raise NotFound(f"No indicator {code!r}: see GET /api/v1/indicators.")
    return BY_CODE[code]


def school_year(today: date) -> tuple[date, date]:
    first = today.year if today.month >= 9 else today.year - 1
    return date(first, 9, 1), date(first + 1, 8, 31)


async def window(
    session: AsyncSession, principal: Principal, start: date | None, end: date | None
) -> Window:
    check_reader(principal)
    default_start, default_end = school_year(await local_today(session, principal.organisation_id))
    start, end = start or default_start, end or default_end
    if start > end:
        raise ValidationFailed.on(["query", "from"], "from must be on or before to.")
    team = await directory(session, principal.organisation_id)
    dialect = session.get_bind().dialect.name
    return Window(principal, start, end, dialect, team.team_ids)


def validate(item: Indicator, filters: dict[str, str | None], group_by: str | None) -> None:
    for name, value in filters.items():
        if value is not None and name not in item.filters:
            raise ValidationFailed.on(
                ["query", name], f"{item.code} accepts the filters {', '.join(item.filters)}."
            )
    if group_by is not None and group_by not in item.groupings:
        raise ValidationFailed.on(
            ["query", "group_by"], f"{item.code} groups by {', '.join(item.groupings)}."
        )


def filtered(
    item: Indicator, win: Window, filters: dict[str, str | None], learners: Any = None
) -> Subquery:
    """The facts of ``item`` in the window and scope, narrowed by the filters (and to some
    learners: a SELECT of ids, for the Qualiopi evidence on learners with a disability)."""
    rows = facts(BUILDERS[item.code](win), win)
    conditions = [rows.c[name] == value for name, value in filters.items() if value is not None]
    if learners is not None:
        conditions.append(rows.c.learner_id.in_(learners))
    return select(rows).where(and_(*conditions)).subquery("selected")


def group_key(rows: Subquery, group_by: str | None, dialect: str) -> Any:
    if group_by is None:
        return literal("all")
    if group_by == "month":
        return month_key(rows.c.on, dialect)
    column = {
        "referent": "referent_id",
        "owner": "owner_id",
        "rule": "rule",
        "severity": "severity",
    }.get(group_by, f"{group_by}_id")
    return rows.c[column]


def _aggregate(item: Indicator, rows: Subquery, key: Any) -> Select[Any]:
    if item.unit != "days":
        return select(
            key.label("k"),
            func.count().label("n"),
            func.sum(rows.c.hit).label("hits"),
            literal(None).label("median"),
        ).group_by(key)
    ranked = select(
        key.label("k"),
        rows.c.days.label("d"),
        func.row_number().over(partition_by=key, order_by=rows.c.days).label("rn"),
        func.count().over(partition_by=key).label("size"),
    ).subquery("ranked")
    middle = ranked.c.rn.in_([(ranked.c.size + 1) // 2, (ranked.c.size + 2) // 2])
    return select(
        ranked.c.k,
        func.count().label("n"),
        literal(None).label("hits"),
        func.avg(case((middle, ranked.c.d))).label("median"),
    ).group_by(ranked.c.k)


def _value(item: Indicator, n: int, hits: Any, median: Any) -> dict[str, Any]:
    if item.unit == "count":
        return {"value": n, "numerator": None, "denominator": None, "records": n}
    if item.unit == "rate":
        numerator = int(hits or 0)
        return {
            "value": round(numerator / n, 4) if n else None,
            "numerator": numerator,
            "denominator": n,
            "records": n,
        }
    value = round(float(median), 2) if median is not None and n else None
    return {"value": value, "numerator": None, "denominator": None, "records": n}


async def _labels(session: AsyncSession, group_by: str, keys: list[Any]) -> dict[Any, str]:
    if group_by not in LABELS or not keys:
        return {}
    id_column, label = LABELS[group_by]
    rows = await session.execute(select(id_column, label).where(id_column.in_(keys)))
    return {key: text for key, text in rows.all()}


async def compute(
    session: AsyncSession,
    win: Window,
    code: str,
    filters: dict[str, str | None],
    group_by: str | None = None,
    learners: Any = None,
) -> dict[str, Any]:
    item = indicator(code)
    validate(item, filters, group_by)
    rows = filtered(item, win, filters, learners)
    whole = (await session.execute(_aggregate(item, rows, literal("all")))).first()
    result: dict[str, Any] = {
        "code": code,
        "unit": item.unit,
        "from": win.start,
        "to": win.end,
        "group_by": group_by,
    }
    result.update(_value(item, *(whole[1:] if whole else (0, None, None))))
    result["groups"] = []
    if group_by is not None:
        key = group_key(rows, group_by, win.dialect)
        found = (await session.execute(_aggregate(item, rows, key))).all()
        labels = await _labels(session, group_by, [row.k for row in found if row.k is not None])
        for row in sorted(found, key=lambda r: (r.k is None, str(r.k))):
            key_text = None if row.k is None else str(row.k)
            group = {"key": key_text, "label": labels.get(row.k, key_text)}
            group.update(_value(item, row.n, row.hits, row.median))
            result["groups"].append(group)
    return result
