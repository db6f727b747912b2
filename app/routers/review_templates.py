"""Review grids: the standard resource routes, plus new revisions of a grid in use.

No ``from __future__ import annotations``: FastAPI reads these signatures at runtime."""

from typing import Annotated, Any

from fastapi import Query, Response, status
from fastapi.routing import APIRoute

from app.deps import CurrentPrincipal, ExpectedVersion, Idempotent, SessionDep
from app.routers.resource_routes import resource_router
from app.routing import set_etag
from app.schemas.review_template import (
    ReviewTemplateCreate,
    ReviewTemplateRead,
    ReviewTemplateRevisionCreate,
    ReviewTemplateUpdate,
)
from app.services.review_templates import review_templates

PATH = "/api/v1/review-templates"


def review_template_filters(
    code: Annotated[str | None, Query(max_length=50)] = None,
    superseded: Annotated[
        bool | None, Query(description="`false`: only the current revision of each grid.")
    ] = None,
) -> dict[str, Any]:
    return {"code": code, "superseded": superseded}


router = resource_router(
    review_templates,
    path=PATH,
    plural="review_templates",
    create_schema=ReviewTemplateCreate,
    update_schema=ReviewTemplateUpdate,
    read_schema=ReviewTemplateRead,
    filters=review_template_filters,
)

# The standard routes carry no word on versioning; say it where clients read it.
_DESCRIPTIONS = {
    "list_review_templates": (
        "Every revision of every grid of your organisation (readable by all its members); "
        "`superseded=false` keeps the current revision of each."
    ),
    "get_review_template": "One revision of a grid; `in_use` says whether reviews use it.",
    "create_review_template": (
        "Revision 1 of a new grid (admins, coordinators, staff). Section keys are unique, "
        "criterion keys unique across the grid, a `scale` criterion lists its values. A `code` "
        "already taken answers 409 with `current_id`: make a new revision of that grid instead."
    ),
    "update_review_template": (
        "Changes the grid in place while no review uses it. A grid in use (`in_use`) or "
        "`superseded` is never changed in place: this answers 409 and a new revision is made "
        "with `POST /api/v1/review-templates/{object_id}/revisions`."
    ),
    "upsert_review_template_by_ref": (
        "Creates the grid, or replaces it in place under the same rules as PATCH (409 once in "
        "use: make a new revision)."
    ),
    "delete_review_template": (
        "Only a grid no review uses (409 otherwise). Deleting the latest revision makes the "
        "previous one current again."
    ),
}
for route in router.routes:
    if isinstance(route, APIRoute) and route.operation_id in _DESCRIPTIONS:
        route.description = _DESCRIPTIONS[route.operation_id]


@router.post(
    "/{object_id}/revisions",
    operation_id="revise_review_template",
    summary="Make the next revision of a review grid",
    response_model=ReviewTemplateRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Idempotent],
)
async def revise_review_template(
    object_id: str,
    body: ReviewTemplateRevisionCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    response: Response,
) -> Any:
    """Same `code`, `revision` + 1, with the changes given (the rest copied); the revised
    grid becomes `superseded` and reviews done on it keep it. Only the latest revision is
    revised (409 otherwise); `If-Match` is the revised grid's ETag. New reviews take the new
    revision's id as `template_id`."""
    obj = await review_templates.revise(session, principal, object_id, body, expected_version)
    set_etag(response, obj.version)
    response.headers["Location"] = f"{PATH}/{obj.id}"
    return await review_templates.read_one(session, principal, obj)
