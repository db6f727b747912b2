"""When rules run: a whole-organisation scan (API or cron), or a change's trigger.

Both evaluate the enabled rules with the organisation's thresholds and reconcile the findings
into alerts, in the caller's transaction (nothing here commits). A scan started by a person is
audited as that person; the command-line scan as the system."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import SYSTEM, Principal
from app.errors import Forbidden, NotFound
from app.models import Organisation, Role
from app.schemas.alert import ScanRead
from app.services.alerts import evaluation, reconcile
from app.services.alerts import settings as rule_settings
from app.services.alerts.catalogue import Scope
from app.services.alerts.reconcile import Counts
from app.services.organisations import local_today

SCANNERS = frozenset({Role.coordinator, Role.admin})
# Past this many learners (a bulk import), a change re-evaluates the whole organisation: the
# same answer, without an IN list beyond what the databases bind.
MAX_TRIGGER_LEARNERS = 1000


async def run(session: AsyncSession, actor: Principal, scope: Scope) -> Counts:
    """Evaluate the organisation's enabled rules on ``scope`` and reconcile the alerts."""
    settings = await rule_settings.load(session, scope.organisation_id)
    findings = await evaluation.evaluate(session, scope, settings)
    return await reconcile.reconcile(session, actor, scope, findings, settings)


async def scan(session: AsyncSession, principal: Principal, as_of: date | None) -> ScanRead:
    """``POST /alerts/scan``: the caller's whole organisation, for a coordinator or admin."""
    if not principal.has_any(SCANNERS):
        raise Forbidden("Only a coordinator or an admin runs a scan.")
    day = as_of or await local_today(session, principal.organisation_id)
    counts = await run(session, principal, Scope(principal.organisation_id, day))
    return ScanRead(as_of=day, **asdict(counts))


async def trigger(
    session: AsyncSession, principal: Principal, learner_ids: Iterable[str | None]
) -> Counts:
    """Re-evaluate the rules for the learners a change touched, in the same transaction.

    For services' ``after_write`` hooks: cheap when nothing is given (no query at all), and it
    never refuses: the caller was allowed to make the change, the alerts follow from it."""
    ids = sorted({learner_id for learner_id in learner_ids if learner_id})
    if not ids:
        return Counts()
    day = await local_today(session, principal.organisation_id)
    narrowed = ids if len(ids) <= MAX_TRIGGER_LEARNERS else None
    return await run(session, principal, Scope(principal.organisation_id, day, narrowed))


async def scan_organisations(
    session: AsyncSession, as_of: date | None = None, organisation: str | None = None
) -> list[tuple[str, date, Counts]]:
    """``relais alerts scan``: every organisation (or the one named), as the system; each at
    its own local today unless ``as_of`` is given."""
    stmt = select(Organisation.id, Organisation.name).order_by(Organisation.name)
    if organisation is not None:
        stmt = stmt.where(Organisation.name == organisation)
    organisations = (await session.execute(stmt)).all()
    if organisation is not None and not organisations:
        raise NotFound(f"No organisation named {organisation!r}.")
    results = []
    for organisation_id, name in organisations:
        actor = Principal(kind=SYSTEM.kind, id=SYSTEM.id, organisation_id=organisation_id)
        day = as_of or await local_today(session, organisation_id)
        results.append((name, day, await run(session, actor, Scope(organisation_id, day))))
    return results
