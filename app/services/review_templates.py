"""Review grids: reference data every member of the organisation reads; admins, coordinators
and staff write them.

A grid is versioned by ``code`` + ``revision`` and a revision that a review uses is never
changed in place (the review's answers were given on that grid, and its sign-offs cover them):
PATCH answers 409 then, and ``revise`` makes the next revision, marking the previous one
``superseded``. Only the latest revision changes or is revised; only an unused one is deleted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Conflict, Forbidden, ValidationFailed
from app.models import Review, ReviewTemplate, Role
from app.schemas.review_template import ReviewTemplateRead
from app.services import external_refs, records, scope
from app.services.resource import Resource
from app.services.review_grid import grid_errors, normalised

WRITERS = frozenset({Role.admin, Role.coordinator, Role.staff})
GRID = ("title", "kinds", "sections")


def _check_grid(values: dict[str, Any]) -> None:
    if values.get("sections") is not None:
        values["sections"] = normalised(values["sections"])
        errors = grid_errors(values["sections"])
        if errors:
            raise ValidationFailed("The grid is not well formed.", errors=errors)


async def used_ids(session: AsyncSession, template_ids: Sequence[str]) -> set[str]:
    """Which of these revisions a review uses."""
    if not template_ids:
        return set()
    rows = await session.scalars(
        select(Review.template_id).where(Review.template_id.in_(template_ids)).distinct()
    )
    return {row for row in rows if row is not None}


class ReviewTemplates(Resource[ReviewTemplate, ReviewTemplateRead]):
    name = "review_template"
    model = ReviewTemplate
    read_schema = ReviewTemplateRead

    def condition(self, principal: Principal) -> ColumnElement[bool]:
        return scope.everyone_in_organisation(principal, ReviewTemplate.organisation_id)

    def check_may_write(self, principal: Principal, obj: ReviewTemplate | None) -> None:
        if not principal.has_any(WRITERS):
            raise Forbidden("Only admins, coordinators and staff write review grids.")

    async def prepare(
        self,
        session: AsyncSession,
        principal: Principal,
        values: dict[str, Any],
        obj: ReviewTemplate | None,
    ) -> dict[str, Any]:
        _check_grid(values)
        if obj is None:
            latest = await self._latest(session, principal, values["code"])
            if latest is not None:
                raise Conflict(
                    f"A grid with code {values['code']!r} exists: make a new revision with "
                    f"POST /api/v1/review-templates/{latest.id}/revisions.",
                    current_id=latest.id,
                )
            return {**values, "revision": 1, "superseded": False}
        if "code" in values and values["code"] != obj.code:
            raise ValidationFailed.on(["body", "code"], "A grid's code cannot change.")
        await self._check_changeable(session, obj)
        return values

    async def _check_changeable(self, session: AsyncSession, obj: ReviewTemplate) -> None:
        if obj.superseded:
            raise Conflict(
                f"Revision {obj.revision} of {obj.code!r} is superseded: change the latest one."
            )
        if await used_ids(session, [obj.id]):
            raise Conflict(
                "Reviews use this grid, so it cannot change in place: make a new revision with "
                f"POST /api/v1/review-templates/{obj.id}/revisions.",
                revise_with=f"/api/v1/review-templates/{obj.id}/revisions",
            )

    async def _latest(
        self, session: AsyncSession, principal: Principal, code: str
    ) -> ReviewTemplate | None:
        return await session.scalar(
            self.visible(principal)
            .where(ReviewTemplate.code == code)
            .order_by(ReviewTemplate.revision.desc())
            .limit(1)
        )

    async def revise(
        self,
        session: AsyncSession,
        principal: Principal,
        template_id: str,
        data: BaseModel,
        expected_version: int | None,
    ) -> ReviewTemplate:
        """The next revision of ``template_id`` (the latest one), with the changes in
        ``data``; the revised one becomes ``superseded`` and stays as reviews recorded it."""
        obj = await self.get(session, principal, template_id)
        self.check_may_write(principal, obj)
        records.check_version(obj, expected_version)
        if obj.superseded:
            latest = await self._latest(session, principal, obj.code)
            raise Conflict(
                f"Revision {obj.revision} of {obj.code!r} is superseded: revise the latest one.",
                current_id=latest.id if latest else None,
            )
        changes = data.model_dump(exclude_unset=True)
        self._refuse_nulls(changes)
        _check_grid(changes)
        values = {**{key: getattr(obj, key) for key in GRID}, **changes}
        await records.update(session, principal, obj, {"superseded": True}, self.name)
        revision = ReviewTemplate(code=obj.code, revision=obj.revision + 1, **values)
        return await records.create(session, principal, revision, self.name)

    async def before_delete(
        self, session: AsyncSession, principal: Principal, obj: ReviewTemplate
    ) -> None:
        if await used_ids(session, [obj.id]):
            raise Conflict("Reviews use this grid: it cannot be deleted.")
        if obj.superseded:
            return
        # Deleting the latest revision makes the one before it current again.
        previous = await session.scalar(
            select(ReviewTemplate).where(
                ReviewTemplate.organisation_id == obj.organisation_id,
                ReviewTemplate.code == obj.code,
                ReviewTemplate.revision
                == select(func.max(ReviewTemplate.revision))
                .where(
                    ReviewTemplate.organisation_id == obj.organisation_id,
                    ReviewTemplate.code == obj.code,
                    ReviewTemplate.revision < obj.revision,
                )
                .scalar_subquery(),
            )
        )
        if previous is not None:
            await records.update(session, principal, previous, {"superseded": False}, self.name)

    async def to_read(
        self, session: AsyncSession, principal: Principal, objs: Sequence[ReviewTemplate]
    ) -> list[ReviewTemplateRead]:
        ids = [o.id for o in objs]
        used = await used_ids(session, ids)
        refs = await external_refs.for_objects(session, self.name, ids)
        return [
            ReviewTemplateRead.model_validate(
                {
                    **self.attributes(principal, o),
                    "in_use": o.id in used,
                    "external_refs": refs.get(o.id, []),
                }
            )
            for o in objs
        ]

    async def for_review(
        self, session: AsyncSession, principal: Principal, template_id: str, kind: str
    ) -> ReviewTemplate:
        """The grid a review is recorded on: visible, the latest revision, serving ``kind``;
        a 422 naming ``template_id`` otherwise."""
        obj = await session.scalar(self.visible(principal).where(ReviewTemplate.id == template_id))
        if obj is None:
            raise ValidationFailed.on(["body", "template_id"], "No review grid with this id.")
        if obj.superseded:
            latest = await self._latest(session, principal, obj.code)
            raise ValidationFailed.on(
                ["body", "template_id"],
                f"Revision {obj.revision} of this grid is superseded: use "
                f"{latest.id if latest else 'the latest revision'}.",
            )
        if obj.kinds and kind not in obj.kinds:
            raise ValidationFailed.on(
                ["body", "template_id"],
                f"This grid serves {', '.join(obj.kinds)}, not {kind}.",
            )
        return obj


review_templates = ReviewTemplates()
