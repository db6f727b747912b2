"""Reviews of a contract: who sees them, who records them, their grid, and their sign-offs.

Reviews follow the scope of their contract, except for prescribers, who see none (a review
judges the learner's work in company: it stays between the CFA, the company and the learner).
The CFA team (admin, coordinator, staff, company relations) and the referents of the learner
record them; tutors and learners read and sign them; auditors read. Answers are checked against
the review's grid (``review_grid``); the first sign-off (``review_signoffs``) locks the review.
Every change re-evaluates the learner's alerts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Conflict, Forbidden, ValidationFailed
from app.models import Contract, Learner, Review, ReviewTemplate, Role, User
from app.schemas.review import ReviewRead
from app.services import scope
from app.services.alerts.scan import trigger
from app.services.organisations import local_today
from app.services.resource import Resource
from app.services.review_grid import answer_errors
from app.services.review_templates import review_templates

EDITABLE = (
    "template_id",
    "scheduled_on",
    "done_on",
    "reviewer_id",
    "participants",
    "answers",
    "outcome",
    "summary",
)
FIXED = ("contract_id", "kind")  # a review of something else is another review
EARLIEST = date(2000, 1, 1)
# Tomorrow is accepted for done_on: a client a few time zones away may already be there.
GRACE = timedelta(days=1)
SIGNED = "A signed review cannot be edited."


def review_condition(principal: Principal) -> ColumnElement[bool]:
    """The reviews of the contracts the caller sees, prescribers' roles left out."""
    tenant = Review.organisation_id == principal.organisation_id
    if principal.sees_whole_organisation:
        return tenant
    roles = principal.roles - {Role.prescriber}
    if not roles:
        return false()
    seen_as = Principal(principal.kind, principal.id, principal.organisation_id, roles)
    contracts = select(Contract.id).where(scope.contract_condition(seen_as))
    return tenant & Review.contract_id.in_(contracts)


def _bad(loc: Sequence[str | int], msg: str) -> ValidationFailed:
    return ValidationFailed.on(["body", *loc], msg)


class Reviews(Resource[Review, ReviewRead]):
    name = "review"
    model = Review
    read_schema = ReviewRead

    def condition(self, principal: Principal) -> ColumnElement[bool]:
        return review_condition(principal)

    def check_may_write(self, principal: Principal, obj: Review | None) -> None:
        # A referent's learner is checked in ``prepare``/``before_delete`` (it needs a query).
        if not (principal.writes_organisation or Role.referent in principal.roles):
            raise Forbidden(
                "Your role reads reviews (tutors and learners sign them) but may not record them."
            )

    async def check_follows(
        self, session: AsyncSession, principal: Principal, learner_id: str
    ) -> None:
        """Besides the organisation's writers, a referent for the learners they follow."""
        if principal.writes_organisation:
            return
        as_referent = Principal(
            principal.kind, principal.id, principal.organisation_id, frozenset({Role.referent})
        )
        followed = await session.scalar(
            select(Learner.id).where(Learner.id == learner_id, scope.learner_condition(as_referent))
        )
        if followed is None:
            raise Forbidden("A referent records the reviews of the learners they follow.")

    async def prepare(
        self,
        session: AsyncSession,
        principal: Principal,
        values: dict[str, Any],
        obj: Review | None,
    ) -> dict[str, Any]:
        if obj is None:
            contract = await session.scalar(
                select(Contract).where(
                    Contract.id == values["contract_id"], scope.contract_condition(principal)
                )
            )
            if contract is None:
                raise _bad(["contract_id"], "No contract with this id that you may see.")
            values["learner_id"] = contract.learner_id
        else:
            if obj.locked_at is not None and values:
                raise Conflict(SIGNED + " It was signed off, which locked it.")
            for field in FIXED:
                if field in values and values.pop(field) != getattr(obj, field):
                    raise _bad([field], "Cannot change: delete the review and create another.")
        learner_id = values["learner_id"] if obj is None else obj.learner_id
        await self.check_follows(session, principal, learner_id)
        current = {} if obj is None else {key: getattr(obj, key) for key in EDITABLE}
        merged = {**current, **values}
        await self._check_dates(session, principal, merged)
        sections = await self._grid(session, principal, values, merged, obj)
        errors = answer_errors(
            sections, merged.get("answers") or {}, complete=merged.get("done_on") is not None
        )
        if errors:
            raise ValidationFailed("The answers do not fit the review's grid.", errors=errors)
        await self._check_users(session, principal, values)
        return values

    async def _grid(
        self,
        session: AsyncSession,
        principal: Principal,
        values: dict[str, Any],
        merged: Mapping[str, Any],
        obj: Review | None,
    ) -> list[dict[str, Any]] | None:
        """The sections answers are checked against; a new grid must be current and fit the
        kind, while a review keeps the revision it was recorded on."""
        template_id = merged.get("template_id")
        if obj is None or ("template_id" in values and template_id != obj.template_id):
            if template_id is None:
                values["template_revision"] = None
                return None
            kind = values["kind"] if obj is None else obj.kind
            template = await review_templates.for_review(session, principal, template_id, kind)
            values["template_revision"] = template.revision
            return template.sections
        if template_id is None:
            return None
        sections: list[dict[str, Any]] | None = await session.scalar(
            select(ReviewTemplate.sections).where(ReviewTemplate.id == template_id)
        )
        return sections

    async def _check_dates(
        self, session: AsyncSession, principal: Principal, merged: Mapping[str, Any]
    ) -> None:
        scheduled_on, done_on = merged.get("scheduled_on"), merged.get("done_on")
        if scheduled_on is None and done_on is None:
            raise _bad(["scheduled_on"], "Give scheduled_on (planned) or done_on (held).")
        for field, day in (("scheduled_on", scheduled_on), ("done_on", done_on)):
            if day is not None and day < EARLIEST:
                raise _bad([field], f"Not before {EARLIEST}.")
        latest = await local_today(session, principal.organisation_id) + GRACE
        if done_on is not None and done_on > latest:
            raise _bad(["done_on"], f"A review is done once held: not after {latest}.")

    async def _check_users(
        self, session: AsyncSession, principal: Principal, values: Mapping[str, Any]
    ) -> None:
        wanted: list[tuple[list[str | int], str]] = []
        if values.get("reviewer_id") is not None:
            wanted.append((["reviewer_id"], values["reviewer_id"]))
        for i, participant in enumerate(values.get("participants") or []):
            if participant.get("user_id") is not None:
                wanted.append((["participants", i, "user_id"], participant["user_id"]))
        if not wanted:
            return
        found = set(
            await session.scalars(
                select(User.id).where(
                    User.id.in_([user_id for _, user_id in wanted]),
                    User.organisation_id == principal.organisation_id,
                )
            )
        )
        for loc, user_id in wanted:
            if user_id not in found:
                raise _bad(loc, "No user with this id in your organisation.")

    async def before_delete(self, session: AsyncSession, principal: Principal, obj: Review) -> None:
        await self.check_follows(session, principal, obj.learner_id)
        if obj.done_on is not None:
            raise Conflict("A done review is part of the learner's record: it cannot be deleted.")

    async def delete(
        self,
        session: AsyncSession,
        principal: Principal,
        object_id: str,
        expected_version: int | None,
    ) -> None:
        obj = await self.get(session, principal, object_id)
        learner_id = obj.learner_id
        await super().delete(session, principal, object_id, expected_version)
        await trigger(session, principal, [learner_id])

    async def after_write(self, session: AsyncSession, principal: Principal, obj: Review) -> None:
        await trigger(session, principal, [obj.learner_id])

    def filter(self, stmt: Select[Any], filters: Mapping[str, Any]) -> Select[Any]:
        ranges = ("scheduled_from", "scheduled_to", "done")
        stmt = super().filter(stmt, {k: v for k, v in filters.items() if k not in ranges})
        if filters.get("scheduled_from") is not None:
            stmt = stmt.where(Review.scheduled_on >= filters["scheduled_from"])
        if filters.get("scheduled_to") is not None:
            stmt = stmt.where(Review.scheduled_on <= filters["scheduled_to"])
        if filters.get("done") is not None:
            done = Review.done_on.is_not(None)
            stmt = stmt.where(done if filters["done"] else ~done)
        return stmt


reviews = Reviews()
