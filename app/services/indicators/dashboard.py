"""Every indicator for a window in one answer (the home page), as JSON or CSV.

``owner_load`` is only meaningful per person: it comes grouped by owner; the others whole."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.services.indicators.catalogue import CATALOGUE
from app.services.indicators.values import compute, window

DEFAULT_GROUPING = {"owner_load": "owner"}
CSV_COLUMNS = (
    "code",
    "title",
    "unit",
    "from",
    "to",
    "group_by",
    "group_key",
    "group_label",
    "value",
    "numerator",
    "denominator",
    "records",
)


async def build(
    session: AsyncSession,
    principal: Principal,
    start: date | None = None,
    end: date | None = None,
) -> dict[str, Any]:
    win = await window(session, principal, start, end)
    values = [
        await compute(session, win, item.code, {}, DEFAULT_GROUPING.get(item.code))
        for item in CATALOGUE
    ]
    return {"from": win.start, "to": win.end, "indicators": values}


def to_csv(board: dict[str, Any], lang: str) -> str:
    titles = {item.code: item.title[lang] for item in CATALOGUE}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for value in board["indicators"]:
        common = [
            value["code"],
            titles[value["code"]],
            value["unit"],
            board["from"].isoformat(),
            board["to"].isoformat(),
        ]
        writer.writerow([*common, "", "", "", *_cells(value)])
        for group in value["groups"]:
            writer.writerow(
                [
                    *common,
                    value["group_by"],
                    group["key"] or "",
                    group["label"] or "",
                    *_cells(group),
                ]
            )
    return out.getvalue()


def _cells(measure: dict[str, Any]) -> list[Any]:
    return [
        "" if measure[name] is None else measure[name]
        for name in ("value", "numerator", "denominator", "records")
    ]
