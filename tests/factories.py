"""Small factories: an organisation with one user per role, tokens minted directly (fast)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.security import create_access_token
from app.models import Organisation, Role, User

_counter = itertools.count(1)


@dataclass
class Actor:
    user: User
    token: str

    @property
    def id(self) -> str:
        return self.user.id

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    """An organisation and one actor per role (``world.admin``, ``world["tutor"]``...)."""

    organisation: Organisation
    actors: dict[str, Actor] = field(default_factory=dict)

    def __getitem__(self, role: str) -> Actor:
        return self.actors[role]

    def __getattr__(self, role: str) -> Actor:
        try:
            return self.actors[role]
        except KeyError as exc:
            raise AttributeError(role) from exc


def token_for(settings: Settings, user: User) -> str:
    token, _ = create_access_token(
        settings, subject=user.id, organisation_id=user.organisation_id, roles=list(user.roles)
    )
    return token


async def make_organisation(session: AsyncSession, name: str | None = None) -> Organisation:
    organisation = Organisation(name=name or f"CFA test {next(_counter)}")
    session.add(organisation)
    await session.flush()
    return organisation


async def make_user(
    session: AsyncSession,
    settings: Settings,
    organisation: Organisation,
    roles: list[str],
    **values: Any,
) -> Actor:
    n = next(_counter)
    user = User(
        organisation_id=organisation.id,
        email=values.pop("email", f"{roles[0]}-{n}@test.relais.dev"),
        first_name=values.pop("first_name", roles[0].title()),
        last_name=values.pop("last_name", f"Test{n}"),
        roles=roles,
        active=values.pop("active", True),
        **values,
    )
    session.add(user)
    await session.flush()
    return Actor(user=user, token=token_for(settings, user))


async def make_world(session: AsyncSession, settings: Settings, name: str | None = None) -> World:
    world = World(organisation=await make_organisation(session, name))
    for role in Role:
        world.actors[role.value] = await make_user(session, settings, world.organisation, [role])
    await session.commit()
    return world
