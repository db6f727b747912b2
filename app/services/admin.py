"""Bootstrapping a tenant from the command line: an organisation and its first admin."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import SYSTEM, Principal
from app.core.security import hash_password
from app.errors import Conflict
from app.models import Role, User
from app.services import organisations, records


async def create_admin(
    session: AsyncSession,
    organisation_name: str,
    email: str,
    password: str,
    first_name: str = "Admin",
    last_name: str = "Relais",
) -> User:
    organisation = await organisations.ensure(session, organisation_name)
    existing = await session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    if existing is not None:
        raise Conflict(f"A user with email {email} already exists.")
    system = Principal(kind=SYSTEM.kind, id=SYSTEM.id, organisation_id=organisation.id)
    user = User(
        email=email.lower(),
        first_name=first_name,
        last_name=last_name,
        roles=[Role.admin.value],
        active=True,
        password_hash=hash_password(password),
    )
    return await records.create(session, system, user, "user")
