"""The drill-down: the learners, contracts, reviews, marks or alerts behind a value, in the
caller's scope, one page at a time (keyset on the record id)."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import ValidationFailed
from app.services.indicators.sql import Window
from app.services.indicators.values import filtered, group_key, indicator, validate


def _cursor(record_id: str) -> str:
    return base64.urlsafe_b64encode(record_id.encode()).decode().rstrip("=")


def _after(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValidationFailed.on(
            ["query", "cursor"], "Invalid cursor: pass back a next_cursor you were given."
        ) from exc


def _day(value: Any) -> str | None:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return None if value is None else str(value)


async def list_(
    session: AsyncSession,
    win: Window,
    code: str,
    filters: dict[str, str | None],
    group_by: str | None,
    key: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[dict[str, Any]], str | None]:
    item = indicator(code)
    validate(item, filters, group_by)
    if key is not None and group_by is None:
        raise ValidationFailed.on(["query", "group_key"], "group_key needs group_by.")
    rows = filtered(item, win, filters)
    query = select(rows, group_key(rows, group_by, win.dialect).label("group_key"))
    if key is not None:
        query = query.where(group_key(rows, group_by, win.dialect) == key)
    if cursor:
        query = query.where(rows.c.record_id > _after(cursor))
    found = (await session.execute(query.order_by(rows.c.record_id).limit(limit + 1))).all()
    items = [
        {
            "kind": item.subject,
            "id": row.record_id,
            "learner_id": row.learner_id,
            "contract_id": row.contract_id,
            "company_id": row.company_id,
            "cohort_id": row.cohort_id,
            "programme_id": row.programme_id,
            "referent_id": row.referent_id,
            "owner_id": row.owner_id,
            "on": _day(row.on),
            "in_numerator": None if row.hit is None else bool(row.hit),
            "days": None if row.days is None else round(float(row.days), 2),
            "rule": row.rule,
            "severity": row.severity,
            "group_key": None if group_by is None or row.group_key is None else str(row.group_key),
        }
        for row in found[:limit]
    ]
    next_cursor = _cursor(found[limit - 1].record_id) if len(found) > limit else None
    return items, next_cursor
