"""Reviews: the standard resource routes, plus sign-offs by tutor and learner.

No ``from __future__ import annotations``: FastAPI reads these signatures at runtime."""

from datetime import date
from typing import Annotated, Any

from fastapi import Query, Response
from fastapi.routing import APIRoute

from app.deps import CurrentPrincipal, ExpectedVersion, Idempotent, SessionDep
from app.routers.resource_routes import resource_router
from app.routing import set_etag
from app.schemas.review import Outcome, ReviewCreate, ReviewRead, ReviewUpdate, SignoffCreate
from app.schemas.review_template import ReviewKind
from app.services import review_signoffs
from app.services.reviews import reviews

IdQuery = Annotated[str | None, Query(max_length=36)]


def review_filters(
    contract_id: IdQuery = None,
    learner_id: IdQuery = None,
    kind: ReviewKind | None = None,
    outcome: Outcome | None = None,
    scheduled_from: Annotated[date | None, Query(description="scheduled_on on or after.")] = None,
    scheduled_to: Annotated[date | None, Query(description="scheduled_on on or before.")] = None,
    done: Annotated[
        bool | None, Query(description="`true`: held (done_on set); `false`: still to hold.")
    ] = None,
) -> dict[str, Any]:
    return {
        "contract_id": contract_id,
        "learner_id": learner_id,
        "kind": kind,
        "outcome": outcome,
        "scheduled_from": scheduled_from,
        "scheduled_to": scheduled_to,
        "done": done,
    }


router = resource_router(
    reviews,
    path="/api/v1/reviews",
    plural="reviews",
    create_schema=ReviewCreate,
    update_schema=ReviewUpdate,
    read_schema=ReviewRead,
    filters=review_filters,
)

_SCOPE = (
    " Reviews follow the scope of their contract (tutors: the contracts they tutor; learners: "
    "their own); prescribers see none (404)."
)
_DESCRIPTIONS = {
    "list_reviews": "The reviews you may see." + _SCOPE,
    "get_review": "A review you may see." + _SCOPE,
    "create_review": (
        "By the CFA team, or a referent for a learner they follow. `answers` must fit the "
        'grid of `template_id` (422 naming `["body", "answers", criterion_key]`): known '
        "criteria, values of the scale, and every required criterion once `done_on` is set."
    ),
    "update_review": (
        "`answers` are checked as on creation. Once signed off (`locked_at` set) a review "
        "cannot be edited: 409."
    ),
    "delete_review": "Only a review not yet held (no `done_on`); 409 otherwise.",
}
for route in router.routes:
    if isinstance(route, APIRoute) and route.operation_id in _DESCRIPTIONS:
        route.description = _DESCRIPTIONS[route.operation_id]


@router.post(
    "/{object_id}/sign-offs",
    operation_id="sign_off_review",
    summary="Sign off a review, as its tutor or learner",
    response_model=ReviewRead,
    dependencies=[Idempotent],
)
async def sign_off_review(
    object_id: str,
    body: SignoffCreate,
    session: SessionDep,
    principal: CurrentPrincipal,
    expected_version: ExpectedVersion,
    response: Response,
) -> Any:
    """The contract's tutor signs as `tutor`, the learner as `learner`, each once, on a done
    review (409 otherwise). The CFA team, or the learner's referent, may record a signature
    given on paper (`recorded_by_id`). The first sign-off locks the review (`locked_at`): from
    then on its answers, outcome and summary cannot change."""
    obj = await review_signoffs.sign_off(session, principal, object_id, body, expected_version)
    set_etag(response, obj.version)
    return await reviews.read_one(session, principal, obj)
