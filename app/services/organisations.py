"""The caller's own organisation: read by everyone in it, changed by its admins."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Conflict, Forbidden, ValidationFailed, not_found
from app.models import Organisation
from app.schemas.user import OrganisationUpdate
from app.services import audit
from app.services.records import check_version

DEFAULT_TIMEZONE = "Europe/Paris"


async def local_today(session: AsyncSession, organisation_id: str) -> date:
    """"Today" in rules is the organisation's local date (API.md), not the server's."""
    name = await session.scalar(
        select(Organisation.timezone).where(Organisation.id == organisation_id)
    )
    try:
        zone = ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(DEFAULT_TIMEZONE)
    return datetime.now(zone).date()


async def get(session: AsyncSession, principal: Principal, organisation_id: str) -> Organisation:
    if organisation_id != principal.organisation_id:
        raise not_found("organisation", organisation_id)
    organisation = await session.get(Organisation, organisation_id)
    if organisation is None:
        raise not_found("organisation", organisation_id)
    return organisation


async def update(
    session: AsyncSession,
    principal: Principal,
    organisation_id: str,
    data: OrganisationUpdate,
    expected_version: int | None,
) -> Organisation:
    organisation = await get(session, principal, organisation_id)
    if not principal.is_admin:
        raise Forbidden("Only an admin changes the organisation's settings.")
    check_version(organisation, expected_version)  # type: ignore[arg-type]
    values = data.model_dump(exclude_unset=True, exclude_none=True)
    if "timezone" in values and values["timezone"] not in available_timezones():
        raise ValidationFailed.on(["body", "timezone"], "Unknown IANA time zone.")
    if "name" in values:
        taken = await session.scalar(
            select(Organisation.id).where(
                Organisation.name == values["name"], Organisation.id != organisation.id
            )
        )
        if taken:
            raise Conflict("Another organisation already has this name.")
    before = audit.snapshot(organisation)
    for key, value in values.items():
        setattr(organisation, key, value)
    changes = audit.diff(before, audit.snapshot(organisation))
    if changes:
        await session.flush()
        await audit.record(
            session,
            principal,
            action="update",
            object_type="organisation",
            object_id=organisation.id,
            changes=changes,
        )
    return organisation


async def ensure(session: AsyncSession, name: str) -> Organisation:
    """Find an organisation by name or create it (used by the CLI and the demo loader)."""
    organisation = await session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name)
        session.add(organisation)
        await session.flush()
    return organisation
