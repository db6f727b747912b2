from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from app.routers.resource_routes import resource_router
from app.schemas.programme import ProgrammeCreate, ProgrammeRead, ProgrammeUpdate
from app.services.programmes import programmes


def programme_filters(
    rncp_code: Annotated[str | None, Query(max_length=20)] = None,
    level: Annotated[int | None, Query(ge=3, le=8)] = None,
) -> dict[str, Any]:
    return {"rncp_code": rncp_code, "level": level}


router = resource_router(
    programmes,
    path="/api/v1/programmes",
    plural="programmes",
    create_schema=ProgrammeCreate,
    update_schema=ProgrammeUpdate,
    read_schema=ProgrammeRead,
    filters=programme_filters,
)
