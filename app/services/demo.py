"""The demo organisation: one login per role, so that a newcomer can try every view."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import hash_password
from app.models import Role, User
from app.services import organisations

DEMO_ORGANISATION = "CFA Démo Relais"
DEMO_PASSWORD = "relais-demo-2026"
DEMO_DOMAIN = "demo.relais.dev"


def demo_email(role: str) -> str:
    return f"{role.replace('_', '-')}@{DEMO_DOMAIN}"


async def load(session: AsyncSession) -> list[tuple[str, str, str]]:
    """Create the demo organisation and its users if missing; return (role, email, password)."""
    organisation = await organisations.ensure(session, DEMO_ORGANISATION)
    password_hash = hash_password(DEMO_PASSWORD)
    logins = []
    for role in Role:
        email = demo_email(role.value)
        if await session.scalar(select(User.id).where(User.email == email)) is None:
            session.add(
                User(
                    organisation_id=organisation.id,
                    email=email,
                    first_name=role.value.replace("_", " ").title(),
                    last_name="Démo",
                    roles=[role.value],
                    active=True,
                    password_hash=password_hash,
                )
            )
        logins.append((role.value, email, DEMO_PASSWORD))
    await session.flush()
    return logins
