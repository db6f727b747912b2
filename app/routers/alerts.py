"""Alerts: list and read in the caller's language, raise a manual one, work them (acknowledge,
resolve, dismiss, reassign), comment, read their history, and scan the organisation.

No ``from __future__ import annotations``: FastAPI reads these signatures at runtime."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status

from app.deps import CurrentPrincipal, ExpectedVersion, Idempotent, PageDep, SessionDep
from app.pagination import PageRequest
from app.routers import alert_history
from app.routers.export_formats import EXPORT_RESPONSES, export_response
from app.routing import UnitOfWorkRoute, set_etag
from app.schemas.alert import (
    AlertCreate,
    AlertDismiss,
    AlertRead,
    AlertReassign,
    AlertResolve,
    AlertStatus,
    ScanCreate,
    ScanRead,
    Severity,
    SubjectType,
)
from app.schemas.common import Page
from app.services.alerts import i18n, manual, scan, workflow

PATH = "/api/v1/alerts"
IdQuery = Annotated[str | None, Query(min_length=1, max_length=36)]


def caller_language(
    response: Response,
    accept_language: Annotated[
        str | None,
        Header(
            alias="Accept-Language",
            max_length=500,
            description="`fr` (default) or `en`: the language of titles and explanations.",
        ),
    ] = None,
) -> i18n.Language:
    lang = i18n.language(accept_language)
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language"
    return lang


LanguageDep = Annotated[i18n.Language, Depends(caller_language)]


def alert_filters(
    status: AlertStatus | None = None,
    severity: Severity | None = None,
    rule: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    owner_id: IdQuery = None,
    learner_id: IdQuery = None,
    contract_id: IdQuery = None,
    company_id: IdQuery = None,
    cohort_id: Annotated[
        str | None, Query(min_length=1, max_length=36, description="Learner enrolled in it.")
    ] = None,
    subject_type: SubjectType | None = None,
    subject_id: IdQuery = None,
    due_from: Annotated[date | None, Query(description="due_on on or after.")] = None,
    due_to: Annotated[date | None, Query(description="due_on on or before.")] = None,
    due_before: Annotated[date | None, Query(description="due_on strictly before.")] = None,
) -> dict[str, Any]:
    return dict(locals())


FiltersDep = Annotated[dict[str, Any], Depends(alert_filters)]
router = APIRouter(prefix=PATH, tags=["alerts"], route_class=UnitOfWorkRoute)


@router.get(
    "",
    operation_id="list_alerts",
    summary="List alerts",
    response_model=Page[AlertRead],
    responses=EXPORT_RESPONSES,
)
async def list_alerts(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
    selected: FiltersDep,
    lang: LanguageDep,
) -> Any:
    """Only alerts on subjects in your scope; tutors, learners and prescribers see only the
    alerts they raised."""

    async def fetch(wanted: PageRequest) -> tuple[list[AlertRead], str | None]:
        return await workflow.list_(session, principal, wanted, selected, lang)

    exported = await export_response(request, AlertRead, fetch, "alerts", sort=page.sort)
    if exported is not None:
        return exported
    items, cursor = await fetch(page)
    return {"items": items, "next_cursor": cursor}


@router.post(
    "",
    operation_id="create_alert",
    summary="Raise a manual alert on a subject you can see",
    response_model=AlertRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Idempotent],
)
async def create_alert(
    body: AlertCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    lang: LanguageDep,
    response: Response,
) -> Any:
    """A subject you cannot see answers 404, as if it did not exist."""
    alert = await manual.create(session, principal, body)
    set_etag(response, alert.version)
    response.headers["Location"] = f"{PATH}/{alert.id}"
    return workflow.read(alert, lang)


@router.post(
    "/scan",
    operation_id="scan_alerts",
    summary="Evaluate every rule over the organisation and reconcile the alerts",
    response_model=ScanRead,
    dependencies=[Idempotent],
)
async def scan_alerts(body: ScanCreate, session: SessionDep, principal: CurrentPrincipal) -> Any:
    """For a coordinator or an admin. Answers what it opened, updated and resolved; running
    it again on the same data changes nothing."""
    return await scan.scan(session, principal, body.as_of)


@router.get(
    "/{alert_id}", operation_id="get_alert", summary="Read an alert", response_model=AlertRead
)
async def get_alert(
    alert_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    lang: LanguageDep,
    response: Response,
) -> Any:
    alert = await workflow.get(session, principal, alert_id)
    set_etag(response, alert.version)
    return workflow.read(alert, lang)


def _answer(alert: Any, lang: i18n.Language, response: Response) -> AlertRead:
    set_etag(response, alert.version)
    return workflow.read(alert, lang)


@router.post(
    "/{alert_id}/acknowledge",
    operation_id="acknowledge_alert",
    summary="Acknowledge an alert: someone is on it",
    response_model=AlertRead,
    dependencies=[Idempotent],
)
async def acknowledge_alert(
    alert_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    lang: LanguageDep,
    response: Response,
) -> Any:
    """open → acknowledged. For its owner and the organisation's team (403 for others who
    see it); 409 `illegal-transition` with `allowed` when its status does not permit it."""
    alert = await workflow.acknowledge(session, principal, alert_id, expected_version)
    return _answer(alert, lang, response)


@router.post(
    "/{alert_id}/resolve",
    operation_id="resolve_alert",
    summary="Resolve an alert, saying what was done",
    response_model=AlertRead,
    dependencies=[Idempotent],
)
async def resolve_alert(
    alert_id: str,
    body: AlertResolve,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    lang: LanguageDep,
    response: Response,
) -> Any:
    """open or acknowledged → resolved (`resolution: handled`). If the rule still holds, the
    next scan raises it again: dismiss it instead to keep it quiet."""
    alert = await workflow.resolve(session, principal, alert_id, body.note, expected_version)
    return _answer(alert, lang, response)


@router.post(
    "/{alert_id}/dismiss",
    operation_id="dismiss_alert",
    summary="Dismiss an alert, optionally until a date",
    response_model=AlertRead,
    dependencies=[Idempotent],
)
async def dismiss_alert(
    alert_id: str,
    body: AlertDismiss,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    lang: LanguageDep,
    response: Response,
) -> Any:
    """open or acknowledged → dismissed. Its rule stays quiet on this subject until
    `snoozed_until`, or without it while the condition keeps holding."""
    alert = await workflow.dismiss(session, principal, alert_id, body, expected_version)
    return _answer(alert, lang, response)


@router.post(
    "/{alert_id}/reassign",
    operation_id="reassign_alert",
    summary="Give an alert to another member of the team",
    response_model=AlertRead,
    dependencies=[Idempotent],
)
async def reassign_alert(
    alert_id: str,
    body: AlertReassign,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    lang: LanguageDep,
    response: Response,
) -> Any:
    alert = await workflow.reassign(session, principal, alert_id, body, expected_version)
    return _answer(alert, lang, response)


# Comments and history live in their own module, under this router's prefix and tag.
router.include_router(alert_history.router)
