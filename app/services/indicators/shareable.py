"""Aggregates for regional partners: contracts signed (started) and broken, by programme and
month, with no person's name or id; a cell under ``THRESHOLD`` is suppressed (null) so that no
small group can be singled out. Counted in SQL, within the caller's scope."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Cohort, Contract, ContractStatus, Programme
from app.services.indicators.facts_contracts import STARTED
from app.services.indicators.sql import Window, learner_cohort, month_key
from app.services.scope import contract_condition

THRESHOLD = 5


def _counts(win: Window, day: Any, kind: str, *conditions: Any) -> Any:
    cohort_id = func.coalesce(Contract.cohort_id, learner_cohort(Contract.learner_id))
    return (
        select(
            func.coalesce(Programme.title, "—").label("programme"),
            month_key(day, win.dialect).label("month"),
            literal(kind).label("kind"),
        )
        .select_from(Contract)
        .outerjoin(Cohort, Cohort.id == cohort_id)
        .outerjoin(Programme, Programme.id == Cohort.programme_id)
        .where(contract_condition(win.principal), day >= win.start, day <= win.end, *conditions)
    )


def _cell(count: int) -> tuple[int | None, bool]:
    return (None, True) if count < THRESHOLD else (count, False)


async def aggregates(session: AsyncSession, win: Window) -> dict[str, Any]:
    signed = _counts(win, Contract.start_date, "signed", Contract.status.in_(STARTED))
    broken = _counts(
        win, Contract.break_date, "broken", Contract.status == ContractStatus.broken.value
    )
    rows = union_all(signed, broken).subquery("events")
    query = select(rows.c.programme, rows.c.month, rows.c.kind, func.count().label("n")).group_by(
        rows.c.programme, rows.c.month, rows.c.kind
    )
    table: dict[tuple[str, str], dict[str, int]] = {}
    for programme, month, kind, n in (await session.execute(query)).all():
        table.setdefault((programme, month), {})[kind] = n
    cells = []
    for (programme, month), counts in sorted(table.items()):
        signed_n, signed_hidden = _cell(counts.get("signed", 0))
        broken_n, broken_hidden = _cell(counts.get("broken", 0))
        cells.append(
            {
                "programme": programme,
                "month": month,
                "signed": signed_n,
                "signed_suppressed": signed_hidden,
                "broken": broken_n,
                "broken_suppressed": broken_hidden,
            }
        )
    return {"from": win.start, "to": win.end, "threshold": THRESHOLD, "cells": cells}
