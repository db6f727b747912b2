"""Sign-offs of a review by the contract's tutor and by the learner.

Each signs their own part once, on a done review. Tutors and learners without an account (or
who signed the paper grid) have their signature recorded by the CFA team or the learner's
referent, who is named in ``recorded_by_id``. The first sign-off locks the review
(``locked_at``): a signature covers exactly what was signed, so nothing changes after it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Conflict, Forbidden
from app.models import Contract, Learner, Review, Tutor
from app.models.base import utcnow
from app.schemas.review import SignoffCreate
from app.services import records
from app.services.reviews import reviews


async def sign_off(
    session: AsyncSession,
    principal: Principal,
    review_id: str,
    data: SignoffCreate,
    expected_version: int | None,
) -> Review:
    obj = await reviews.get(session, principal, review_id)
    signer_id = await _signer_user_id(session, obj, data.role)
    entry: dict[str, Any] = {"role": data.role, "user_id": signer_id}
    if signer_id is None or principal.user_id != signer_id:
        await _check_may_sign_for(session, principal, obj, data.role)
        entry["recorded_by_id"] = principal.id
    records.check_version(obj, expected_version)
    if obj.done_on is None:
        raise Conflict("A review is signed off once done: set done_on first.")
    if any(s.get("role") == data.role for s in obj.signoffs or []):
        raise Conflict(f"The {data.role} has already signed this review.")
    now = utcnow()
    entry["signed_at"] = now.isoformat()
    values: dict[str, Any] = {"signoffs": [*(obj.signoffs or []), entry]}
    if obj.locked_at is None:
        values["locked_at"] = now
    await records.update(session, principal, obj, values, reviews.name, action="sign_off")
    await reviews.after_write(session, principal, obj)
    return obj


async def _check_may_sign_for(
    session: AsyncSession, principal: Principal, obj: Review, role: str
) -> None:
    try:
        reviews.check_may_write(principal, obj)
        await reviews.check_follows(session, principal, obj.learner_id)
    except Forbidden as refused:
        raise Forbidden(
            "Only the contract's tutor signs as tutor and the learner as learner; the CFA team "
            f"may record their paper signature. You may not sign as {role}."
        ) from refused


async def _signer_user_id(session: AsyncSession, obj: Review, role: str) -> str | None:
    """The account of the contract's tutor, or of the learner (None without one)."""
    if role == "tutor":
        stmt = select(Tutor.user_id).join(Contract, Contract.tutor_id == Tutor.id)
        return await session.scalar(stmt.where(Contract.id == obj.contract_id))
    return await session.scalar(select(Learner.user_id).where(Learner.id == obj.learner_id))
