"""Contracts: the standard resource routes, plus status transitions, tutor changes and the
history of both.

No ``from __future__ import annotations``: FastAPI reads these signatures at runtime."""

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Query, Request, Response

from app.deps import CurrentPrincipal, ExpectedVersion, Idempotent, PageDep, SessionDep
from app.pagination import PageRequest
from app.routers.export_formats import EXPORT_RESPONSES, export_response
from app.routers.resource_routes import resource_router
from app.routing import set_etag
from app.schemas.common import Page
from app.schemas.contract import (
    ContractCreate,
    ContractEventRead,
    ContractKind,
    ContractRead,
    ContractStatusName,
    ContractUpdate,
    TransitionCreate,
    TutorChangeCreate,
)
from app.services import contract_history
from app.services.contracts import contracts

IdQuery = Annotated[str | None, Query(max_length=36)]


def contract_filters(
    learner_id: IdQuery = None,
    company_id: IdQuery = None,
    tutor_id: IdQuery = None,
    cohort_id: IdQuery = None,
    status: ContractStatusName | None = None,
    kind: ContractKind | None = None,
    running: Annotated[
        bool | None, Query(description="In force today (see `running` on a contract).")
    ] = None,
    start_from: Annotated[date | None, Query(description="start_date on or after.")] = None,
    start_to: Annotated[date | None, Query(description="start_date on or before.")] = None,
    updated_since: Annotated[datetime | None, Query(description="Changed since (UTC).")] = None,
) -> dict[str, Any]:
    return {
        "learner_id": learner_id,
        "company_id": company_id,
        "tutor_id": tutor_id,
        "cohort_id": cohort_id,
        "status": status,
        "kind": kind,
        "running": running,
        "start_from": start_from,
        "start_to": start_to,
        "updated_since": updated_since,
    }


router = resource_router(
    contracts,
    path="/api/v1/contracts",
    plural="contracts",
    create_schema=ContractCreate,
    update_schema=ContractUpdate,
    read_schema=ContractRead,
    filters=contract_filters,
)


@router.post(
    "/{object_id}/transitions",
    operation_id="transition_contract",
    summary="Move a contract to another status",
    response_model=ContractRead,
    dependencies=[Idempotent],
)
async def transition_contract(
    object_id: str,
    body: TransitionCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    response: Response,
) -> Any:
    """draft → signed → filed → registered | rejected (→ filed again); then completed at its
    end, broken (with its initiator) once started, or cancelled before it starts. An illegal
    move answers 409 `illegal-transition` with `allowed`: the moves possible on that date."""
    obj = await contract_history.transition(session, principal, object_id, body, expected_version)
    set_etag(response, obj.version)
    return await contracts.read_one(session, principal, obj)


@router.post(
    "/{object_id}/tutor-changes",
    operation_id="change_contract_tutor",
    summary="Hand a contract to another tutor, saying why",
    response_model=ContractRead,
    dependencies=[Idempotent],
)
async def change_contract_tutor(
    object_id: str,
    body: TutorChangeCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    response: Response,
) -> Any:
    """The new tutor must work at the contract's company. Recorded in the contract's events."""
    obj = await contract_history.change_tutor(session, principal, object_id, body, expected_version)
    set_etag(response, obj.version)
    return await contracts.read_one(session, principal, obj)


@router.get(
    "/{object_id}/events",
    operation_id="list_contract_events",
    summary="A contract's history: creation, status moves and tutor changes",
    response_model=Page[ContractEventRead],
    responses=EXPORT_RESPONSES,
)
async def list_contract_events(
    request: Request,
    object_id: str,
    session: SessionDep,
    principal: CurrentPrincipal,
    page: PageDep,
) -> Any:
    async def fetch(wanted: PageRequest) -> tuple[list[ContractEventRead], str | None]:
        return await contract_history.events(session, principal, object_id, wanted)

    exported = await export_response(
        request, ContractEventRead, fetch, "contract_events", sort=page.sort
    )
    if exported is not None:
        return exported
    items, cursor = await contract_history.events(session, principal, object_id, page)
    return {"items": items, "next_cursor": cursor}
