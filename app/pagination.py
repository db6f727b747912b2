"""Cursor pagination over a stable order (sort column, then id), the same for every list."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import ValidationFailed

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
SORTABLE = ("created_at", "-created_at", "updated_at", "-updated_at")


@dataclass(frozen=True)
class PageRequest:
    limit: int = DEFAULT_LIMIT
    cursor: str | None = None
    sort: str = "created_at"


def _encode(value: datetime, object_id: str) -> str:
    raw = json.dumps([value.isoformat(), object_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, object_id = json.loads(raw)
        return datetime.fromisoformat(value), str(object_id)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValidationFailed.on(
            ["query", "cursor"], "Invalid cursor: pass back a next_cursor you were given."
        ) from exc


async def paginate(
    session: AsyncSession, stmt: Select[Any], model: Any, page: PageRequest
) -> tuple[list[Any], str | None]:
    """Run ``stmt`` (already scoped and filtered) one page at a time."""
    descending = page.sort.startswith("-")
    column = getattr(model, page.sort.lstrip("-"))
    if page.cursor:
        value, last_id = _decode(page.cursor)
        if descending:
            stmt = stmt.where(or_(column < value, and_(column == value, model.id < last_id)))
        else:
            stmt = stmt.where(or_(column > value, and_(column == value, model.id > last_id)))
    order = (column.desc(), model.id.desc()) if descending else (column.asc(), model.id.asc())
    rows = list((await session.scalars(stmt.order_by(*order).limit(page.limit + 1))).all())
    next_cursor = None
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        last = rows[-1]
        next_cursor = _encode(getattr(last, page.sort.lstrip("-")), last.id)
    return rows, next_cursor
