from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Query

from app.routers.resource_routes import resource_router
from app.schemas.cohort import CohortCreate, CohortRead, CohortUpdate
from app.services.cohorts import cohorts


def cohort_filters(
    programme_id: Annotated[str | None, Query(max_length=36)] = None,
    referent_id: Annotated[
        str | None, Query(max_length=36, description="Cohorts this user follows.")
    ] = None,
    active_on: Annotated[
        date | None, Query(description="Cohorts running on this day (start and end included).")
    ] = None,
) -> dict[str, Any]:
    return {"programme_id": programme_id, "referent_id": referent_id, "active_on": active_on}


router = resource_router(
    cohorts,
    path="/api/v1/cohorts",
    plural="cohorts",
    create_schema=CohortCreate,
    update_schema=CohortUpdate,
    read_schema=CohortRead,
    filters=cohort_filters,
)
