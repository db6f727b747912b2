from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Query

from app.errors import ValidationFailed
from app.routers.resource_routes import resource_router
from app.schemas.follow_up_entry import (
    FollowUpEntryCreate,
    FollowUpEntryRead,
    FollowUpEntryUpdate,
    FollowUpKind,
    Visibility,
)
from app.services.follow_up_entries import follow_up_entries

IdQuery = Annotated[str | None, Query(max_length=36)]


def follow_up_entry_filters(
    learner_id: IdQuery = None,
    contract_id: IdQuery = None,
    company_id: IdQuery = None,
    author_id: IdQuery = None,
    kind: FollowUpKind | None = None,
    visibility: Visibility | None = None,
    occurred_from: Annotated[
        date | None, Query(description="Entries that occurred on or after this day.")
    ] = None,
    occurred_to: Annotated[
        date | None, Query(description="Entries that occurred on or before this day.")
    ] = None,
) -> dict[str, Any]:
    if occurred_from is not None and occurred_to is not None and occurred_to < occurred_from:
        raise ValidationFailed.on(["query", "occurred_to"], "occurred_to is before occurred_from.")
    return {
        "learner_id": learner_id,
        "contract_id": contract_id,
        "company_id": company_id,
        "author_id": author_id,
        "kind": kind,
        "visibility": visibility,
        "occurred_from": occurred_from,
        "occurred_to": occurred_to,
    }


router = resource_router(
    follow_up_entries,
    path="/api/v1/follow-up-entries",
    plural="follow_up_entries",
    create_schema=FollowUpEntryCreate,
    update_schema=FollowUpEntryUpdate,
    read_schema=FollowUpEntryRead,
    filters=follow_up_entry_filters,
)
