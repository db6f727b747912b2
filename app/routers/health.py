from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.services import health

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    database: str
    revision: str | None
    head: str


@router.get("/health", operation_id="get_health", summary="Liveness", response_model=Health)
async def get_health() -> Health:
    return Health(status="ok")


@router.get(
    "/ready",
    operation_id="get_readiness",
    summary="Readiness: database reachable and migrated to head",
    response_model=Readiness,
    responses={503: {"description": "Not ready", "model": Readiness}},
)
async def get_readiness(request: Request) -> JSONResponse:
    reachable, current, head = await health.database_state(request.app.state.engine)
    ready = reachable and current == head
    body = Readiness(
        status="ready" if ready else "not_ready",
        database="reachable" if reachable else "unreachable",
        revision=current,
        head=head,
    )
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)
