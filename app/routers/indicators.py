"""Indicators (INDICATORS.md): catalogue, values, drill-down, dashboard, shareable aggregates
and the Qualiopi evidence pack. Read-only; CFA team, referents (their learners) and auditors.

No ``from __future__ import annotations``: FastAPI reads these signatures at runtime."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response

from app.deps import CurrentPrincipal, SessionDep
from app.pagination import PageRequest
from app.routers.export_formats import EXPORT_RESPONSES, page_or_file, whole_or_file
from app.routing import UnitOfWorkRoute
from app.schemas.indicator import (
    Dashboard,
    GroupBy,
    IndicatorCatalogue,
    IndicatorInfo,
    IndicatorRecord,
    IndicatorRecordPage,
    IndicatorValue,
    QualiopiEvidence,
    Shareable,
)
from app.services.alerts import i18n
from app.services.indicators import api

PATH = "/api/v1/indicators"
CSV = "text/csv"
ZIP = "application/zip"
Code = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[a-z_]+$")]
IdQuery = Annotated[str | None, Query(min_length=1, max_length=36)]
From = Annotated[date | None, Query(alias="from", description="First day (default: 1 Sep).")]
To = Annotated[date | None, Query(description="Last day, inclusive (default: 31 Aug).")]

router = APIRouter(tags=["indicators"], route_class=UnitOfWorkRoute)


def caller_language(
    response: Response,
    accept_language: Annotated[
        str | None,
        Header(
            alias="Accept-Language",
            max_length=500,
            description="`fr` (default) or `en`: the language of titles.",
        ),
    ] = None,
) -> str:
    lang = i18n.language(accept_language)
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language"
    return lang


def indicator_filters(
    programme_id: IdQuery = None,
    cohort_id: IdQuery = None,
    company_id: IdQuery = None,
    owner_id: Annotated[
        str | None,
        Query(
            min_length=1, max_length=36, description="The company-relations owner of the company."
        ),
    ] = None,
) -> dict[str, str | None]:
    return dict(locals())


LanguageDep = Annotated[str, Depends(caller_language)]
FiltersDep = Annotated[dict[str, str | None], Depends(indicator_filters)]


def wants(request: Request, media_type: str) -> bool:
    accept = request.headers.get("accept", "")
    return any(part.split(";")[0].strip() == media_type for part in accept.split(","))


@router.get(
    PATH,
    operation_id="list_indicators",
    summary="The indicator catalogue",
    response_model=IndicatorCatalogue,
    responses=EXPORT_RESPONSES,
)
async def list_indicators(request: Request, principal: CurrentPrincipal, lang: LanguageDep) -> Any:
    """Every indicator: code, title and definition in your language, unit, accepted filters
    and groupings."""
    answer = api.catalogue(principal, lang)
    return await whole_or_file(request, IndicatorInfo, answer["items"], answer, "indicators")


@router.get(
    f"{PATH}/shareable",
    operation_id="get_shareable_aggregates",
    summary="Contracts signed and broken by programme and month, small cells hidden",
    response_model=Shareable,
)
async def get_shareable(
    session: SessionDep, principal: CurrentPrincipal, from_: From = None, to: To = None
) -> Any:
    """For regional partners: no name, no id; a count under 5 is null with `*_suppressed`."""
    return await api.shared(session, principal, from_, to)


@router.get(
    f"{PATH}/{{code}}",
    operation_id="get_indicator",
    summary="An indicator's value",
    response_model=IndicatorValue,
)
async def get_indicator(
    code: Code,
    session: SessionDep,
    principal: CurrentPrincipal,
    filters: FiltersDep,
    from_: From = None,
    to: To = None,
    group_by: GroupBy | None = None,
) -> Any:
    """Value, numerator, denominator and count of records, whole and per group, in your
    scope. A rate over nothing and a median of nothing are null."""
    return await api.value(session, principal, code, from_, to, filters, group_by)


@router.get(
    f"{PATH}/{{code}}/records",
    operation_id="list_indicator_records",
    summary="The records behind an indicator's value",
    response_model=IndicatorRecordPage,
    responses=EXPORT_RESPONSES,
)
async def list_indicator_records(
    request: Request,
    code: Code,
    session: SessionDep,
    principal: CurrentPrincipal,
    filters: FiltersDep,
    from_: From = None,
    to: To = None,
    group_by: GroupBy | None = None,
    group_key: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Any:
    """Same filters as the value; `group_key` (with `group_by`) narrows to one group."""

    async def fetch(wanted: PageRequest) -> tuple[list[Any], str | None]:
        answer = await api.record_page(
            session, principal, code, from_, to, filters, group_by, group_key,
            wanted.limit, wanted.cursor,
        )  # fmt: skip
        return answer["items"], answer["next_cursor"]

    page = PageRequest(limit=limit, cursor=cursor)
    return await page_or_file(request, IndicatorRecord, fetch, f"{code}_records", page)


@router.get(
    "/api/v1/dashboard",
    operation_id="get_dashboard",
    summary="Every indicator for the current school year",
    response_model=Dashboard,
    responses={
        200: {
            "content": {CSV: {"schema": {"type": "string"}}},
            "description": "JSON, or CSV with `Accept: text/csv`",
        }
    },
)
async def get_dashboard(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    lang: LanguageDep,
    from_: From = None,
    to: To = None,
) -> Any:
    """The current school year unless `from`/`to` say otherwise; `owner_load` comes grouped
    by owner. `Accept: text/csv` gives one row per value and group."""
    answer = await api.board(session, principal, from_, to, wants(request, CSV), lang)
    if isinstance(answer, str):
        return Response(
            answer,
            media_type=f"{CSV}; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="dashboard.csv"'},
        )
    return answer


@router.get(
    "/api/v1/qualiopi/evidence",
    operation_id="get_qualiopi_evidence",
    summary="Qualiopi evidence pack: indicators and records per criterion",
    response_model=QualiopiEvidence,
    responses={
        200: {
            "content": {ZIP: {"schema": {"type": "string", "format": "binary"}}},
            "description": "JSON, or a ZIP of CSV files with `Accept: application/zip`",
        }
    },
)
async def get_qualiopi_evidence(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    lang: LanguageDep,
    from_: From = None,
    to: To = None,
) -> Any:
    """Criteria 12, 13, 26, 28 and 29: indicator values and the records behind them, in your
    scope. Each list holds at most 10,000 rows (`truncated`)."""
    answer = await api.evidence(session, principal, from_, to, wants(request, ZIP), lang)
    if isinstance(answer, bytes):
        return Response(
            answer,
            media_type=ZIP,
            headers={"Content-Disposition": 'attachment; filename="qualiopi-evidence.zip"'},
        )
    return answer
