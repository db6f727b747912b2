"""The alert rule catalogue, in the caller's language, with the organisation's settings.

No ``from __future__ import annotations``: FastAPI reads these signatures at runtime."""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from app.deps import CurrentPrincipal, ExpectedVersion, SessionDep
from app.routers.alerts import LanguageDep
from app.routers.export_formats import EXPORT_RESPONSES, whole_or_file
from app.routing import UnitOfWorkRoute, set_etag
from app.schemas.alert import AlertRuleRead, AlertRuleUpdate
from app.schemas.common import Page
from app.services.alerts import settings

CodePath = Annotated[str, Path(max_length=100, examples=["no_employer_after_window"])]
router = APIRouter(prefix="/api/v1/alert-rules", tags=["alert-rules"], route_class=UnitOfWorkRoute)


@router.get(
    "",
    operation_id="list_alert_rules",
    summary="List the alert rules and this organisation's settings",
    response_model=Page[AlertRuleRead],
    responses=EXPORT_RESPONSES,
)
async def list_alert_rules(
    request: Request, session: SessionDep, principal: CurrentPrincipal, lang: LanguageDep
) -> Any:
    """The whole catalogue in one page (`next_cursor` is always null). For the team."""
    items = await settings.list_rules(session, principal, lang)
    answer = {"items": items, "next_cursor": None}
    return await whole_or_file(request, AlertRuleRead, items, answer, "alert_rules")


@router.get(
    "/{code}",
    operation_id="get_alert_rule",
    summary="Read an alert rule and this organisation's setting",
    response_model=AlertRuleRead,
)
async def get_alert_rule(
    code: CodePath,
    session: SessionDep,
    principal: CurrentPrincipal,
    lang: LanguageDep,
    response: Response,
) -> Any:
    rule = await settings.get_rule(session, principal, code, lang)
    set_etag(response, rule.version)
    return rule


@router.patch(
    "/{code}",
    operation_id="update_alert_rule",
    summary="Enable or disable a rule, or change its thresholds",
    response_model=AlertRuleRead,
)
async def update_alert_rule(
    code: CodePath,
    body: AlertRuleUpdate,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    lang: LanguageDep,
    response: Response,
) -> Any:
    """For a coordinator or an admin. Parameters are checked against the rule's `limits`: an
    unknown or out-of-range one is a 422 naming it (`["body", "parameters", name]`). Alerts
    follow at the next scan or change."""
    rule = await settings.update_rule(session, principal, code, body, expected_version, lang)
    set_etag(response, rule.version)
    return rule
