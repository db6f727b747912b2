"""What the routes call: one function per answer, access checked first (``values.window``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.services.indicators import dashboard, qualiopi, records, shareable
from app.services.indicators.catalogue import CATALOGUE
from app.services.indicators.values import check_reader, compute, window


def catalogue(principal: Principal, lang: str) -> dict[str, Any]:
    check_reader(principal)
    return {
        "items": [
            {
                "code": item.code,
                "title": item.title[lang],
                "definition": item.definition[lang],
                "unit": item.unit,
                "subject": item.subject,
                "filters": list(item.filters),
                "groupings": list(item.groupings),
            }
            for item in CATALOGUE
        ]
    }


async def value(
    session: AsyncSession,
    principal: Principal,
    code: str,
    start: date | None,
    end: date | None,
    filters: dict[str, str | None],
    group_by: str | None,
) -> dict[str, Any]:
    win = await window(session, principal, start, end)
    return await compute(session, win, code, filters, group_by)


async def record_page(
    session: AsyncSession,
    principal: Principal,
    code: str,
    start: date | None,
    end: date | None,
    filters: dict[str, str | None],
    group_by: str | None,
    group_key: str | None,
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    win = await window(session, principal, start, end)
    items, next_cursor = await records.list_(
        session, win, code, filters, group_by, group_key, limit, cursor
    )
    return {"items": items, "next_cursor": next_cursor}


async def board(
    session: AsyncSession,
    principal: Principal,
    start: date | None,
    end: date | None,
    as_csv: bool,
    lang: str,
) -> dict[str, Any] | str:
    answer = await dashboard.build(session, principal, start, end)
    return dashboard.to_csv(answer, lang) if as_csv else answer


async def shared(
    session: AsyncSession, principal: Principal, start: date | None, end: date | None
) -> dict[str, Any]:
    return await shareable.aggregates(session, await window(session, principal, start, end))


async def evidence(
    session: AsyncSession,
    principal: Principal,
    start: date | None,
    end: date | None,
    as_zip: bool,
    lang: str,
) -> dict[str, Any] | bytes:
    pack = await qualiopi.build(session, principal, start, end, lang)
    return qualiopi.to_zip(pack) if as_zip else pack
