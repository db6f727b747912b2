"""The Qualiopi evidence pack (INDICATORS.md "Qualiopi evidence"): for each criterion, the
indicator values and the lists of records that prove them; as JSON, or as a ZIP of CSV files
(one per list, plus ``indicators.csv``) an auditor opens in a spreadsheet.

Each list is capped at ``MAX_ROWS`` (``truncated`` says so): narrow the window for more."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.services.indicators import qualiopi_sources as src
from app.services.indicators.sql import Window
from app.services.indicators.values import compute, window

MAX_ROWS = 10_000
Source = Callable[[Window], src.Query]

# criterion, titles (fr, en), indicators, [(list name, source)]
Criterion = tuple[int, dict[str, str], tuple[str, ...], tuple[tuple[str, Source], ...]]
CRITERIA: tuple[Criterion, ...] = (
    (
        12,
        {
            "fr": "Engagement des apprenants, prévention des abandons et des ruptures",
            "en": "Learner engagement, prevention of drop-outs and breaks",
        },
        (
            "rupture_rate",
            "early_rupture_rate",
            "alerts_open",
            "alert_resolution_median_days",
            "follow_up_coverage",
        ),
        (("breaks", src.breaks), ("alerts", src.alerts), ("team_follow_up", src.team_entries)),
    ),
    (
        13,
        {
            "fr": "Coordination de l'alternance avec l'entreprise",
            "en": "Work-study coordination with the company",
        },
        ("visits_on_time_rate", "two_month_interview_on_time_rate"),
        (
            ("calendar", src.key_dates),
            ("reviews_done", src.reviews_done),
            ("tutor_changes", src.tutor_changes),
        ),
    ),
    (
        26,
        {"fr": "Apprenants en situation de handicap", "en": "Learners with a disability"},
        ("follow_up_coverage", "visits_on_time_rate"),
        (("learners_with_disability", src.disabled_learners),),
    ),
    (
        28,
        {
            "fr": "Réseau de partenaires socio-économiques et accès à l'entreprise",
            "en": "Network of socio-economic partners and placement in company",
        },
        ("learners_seeking", "median_days_to_contract"),
        (
            ("companies", src.companies),
            ("tutors", src.tutors),
            ("company_contacts", src.company_contacts),
        ),
    ),
    (
        29,
        {
            "fr": "Résultats et poursuite de parcours (CFA)",
            "en": "Outcomes and further study (CFA)",
        },
        ("completion_rate",),
        (
            ("contracts_ended", src.contracts_ended),
            ("post_contract_follow_up", src.post_contract_entries),
            ("post_contract_reviews", lambda win: src.reviews_done(win, "post_contract")),
        ),
    ),
)


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return round(float(value), 2)
    return value


async def _rows(session: AsyncSession, query: src.Query) -> dict[str, Any]:
    result = await session.execute(query.limit(MAX_ROWS + 1))
    columns = list(result.keys())
    found = result.all()
    return {
        "columns": columns,
        "rows": [dict(zip(columns, map(_plain, row), strict=True)) for row in found[:MAX_ROWS]],
        "truncated": len(found) > MAX_ROWS,
    }


async def build(
    session: AsyncSession,
    principal: Principal,
    start: date | None,
    end: date | None,
    lang: str,
) -> dict[str, Any]:
    win = await window(session, principal, start, end)
    disabled = src.disabled_learner_ids(win)
    criteria = []
    for number, title, codes, sources in CRITERIA:
        # Criterion 26 reads the indicators of learners with a disability only.
        only = disabled if number == 26 else None
        values = [await compute(session, win, code, {}, None, only) for code in codes]
        evidence = [{"name": name, **await _rows(session, source(win))} for name, source in sources]
        criteria.append(
            {"criterion": number, "title": title[lang], "indicators": values, "evidence": evidence}
        )
    return {"from": win.start, "to": win.end, "criteria": criteria}


def to_zip(pack: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        values = [
            ["criterion", "code", "from", "to", "value", "numerator", "denominator", "records"]
        ]
        for criterion in pack["criteria"]:
            for value in criterion["indicators"]:
                values.append(
                    [
                        criterion["criterion"],
                        value["code"],
                        pack["from"].isoformat(),
                        pack["to"].isoformat(),
                        *(value[k] for k in ("value", "numerator", "denominator", "records")),
                    ]
                )
            for listing in criterion["evidence"]:
                table = [
                    listing["columns"],
                    *([row[c] for c in listing["columns"]] for row in listing["rows"]),
                ]
                archive.writestr(f"{criterion['criterion']}_{listing['name']}.csv", _csv(table))
        archive.writestr("indicators.csv", _csv(values))
    return buffer.getvalue()


def _csv(table: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([["" if cell is None else cell for cell in row] for row in table])
    return out.getvalue()
