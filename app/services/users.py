"""People of an organisation and their roles. Admins and coordinators manage them; only an
admin may hand out or take away the admin role."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.core.security import hash_password
from app.errors import Conflict, Forbidden, not_found
from app.models import Role, User
from app.pagination import PageRequest, paginate
from app.schemas.user import UserCreate, UserUpdate
from app.services import records

# Besides whole-organisation readers, referents list colleagues (to hand over a learner).
_LISTERS = frozenset({Role.referent})


def _visible(principal: Principal) -> Select[User]:
    stmt = select(User).where(User.organisation_id == principal.organisation_id)
    if not (principal.sees_whole_organisation or principal.has_any(_LISTERS)):
        stmt = stmt.where(User.id == principal.id)
    return stmt


async def get(session: AsyncSession, principal: Principal, user_id: str) -> User:
    user = await session.scalar(_visible(principal).where(User.id == user_id))
    if user is None:
        raise not_found("user", user_id)
    return user


async def list_(
    session: AsyncSession,
    principal: Principal,
    page: PageRequest,
    *,
    role: str | None = None,
    active: bool | None = None,
    email: str | None = None,
) -> tuple[list[User], str | None]:
    stmt = _visible(principal)
    if active is not None:
        stmt = stmt.where(User.active == active)
    if email is not None:
        stmt = stmt.where(func.lower(User.email) == email.lower())
    rows, cursor = await paginate(session, stmt, User, page)
    if role is not None:  # roles is a JSON list: filtered here, portable across engines
        rows = [u for u in rows if role in u.roles]
    return rows, cursor


def _check_may_manage(principal: Principal, roles_touched: set[str]) -> None:
    if not principal.manages_users:
        raise Forbidden("Only an admin or a coordinator manages users.")
    if Role.admin in roles_touched and not principal.is_admin:
        raise Forbidden("Only an admin may grant or remove the admin role.")


async def _check_email_free(session: AsyncSession, email: str) -> None:
    taken = await session.scalar(select(User.id).where(func.lower(User.email) == email.lower()))
    if taken is not None:
        raise Conflict(f"A user with email {email} already exists.")


async def create(session: AsyncSession, principal: Principal, data: UserCreate) -> User:
    roles = sorted({r.value for r in data.roles})
    _check_may_manage(principal, set(roles))
    await _check_email_free(session, data.email)
    user = User(
        email=data.email.lower(),
        first_name=data.first_name,
        last_name=data.last_name,
        roles=roles,
        active=data.active,
        password_hash=hash_password(data.password) if data.password else None,
    )
    return await records.create(session, principal, user, "user")


async def update(
    session: AsyncSession,
    principal: Principal,
    user_id: str,
    data: UserUpdate,
    expected_version: int | None,
) -> User:
    user = await get(session, principal, user_id)
    values = data.model_dump(exclude_unset=True, exclude_none=True)
    touched: set[str] = set(user.roles)
    if "roles" in values:
        values["roles"] = sorted({r.value for r in data.roles or []})
        touched ^= set(values["roles"])
    else:
        touched = set()
    # People may change their own names and password; anything else is management.
    if not (user.id == principal.id and set(values) <= {"first_name", "last_name", "password"}):
        _check_may_manage(principal, touched)
    if "password" in values:
        values["password_hash"] = hash_password(values.pop("password"))
    return await records.update(
        session, principal, user, values, "user", expected_version=expected_version
    )
