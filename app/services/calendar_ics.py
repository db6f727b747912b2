"""Calendars as iCalendar (RFC 5545) documents, for Google Calendar, Outlook and phones.

One all-day event per CFA day and one per key date (spanning its days). UIDs are stable, so a
calendar app updates an event in place when the calendar is regenerated rather than doubling
it. Events are ``TRANSPARENT``: they inform, they do not mark the reader busy."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.models import Cohort
from app.models.base import utcnow
from app.schemas.calendar import KeyDateBrief
from app.services import calendar_key_dates
from app.services.calendar_days import cohort_days
from app.services.calendars import cohort_for_read, resolve_range
from app.services.learner_calendars import learner_days, tutor_cfa_days
from app.services.learners import learners

PRODID = "-//Relais//Calendrier de l'alternance//FR"
MEDIA_TYPE = "text/calendar"
KIND_LABELS = {
    "exam": "Examen",
    "review_window": "Bilans",
    "visit_window": "Visites en entreprise",
    "holiday": "Congés",
    "other": "Date clé",
}


@dataclass(frozen=True)
class AllDay:
    uid: str
    first: date
    last: date  # included
    summary: str
    description: str | None = None
    category: str | None = None


def render(name: str, events: Iterable[AllDay], stamp: datetime | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = stamp or utcnow().replace(microsecond=0)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.first)
        event.add("dtend", item.last + timedelta(days=1))  # DTEND of a date is exclusive
        event.add("summary", item.summary)
        event.add("transp", "TRANSPARENT")
        if item.description:
            event.add("description", item.description)
        if item.category:
            event.add("categories", [item.category])
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def key_date_event(prefix: str, key: KeyDateBrief) -> AllDay:
    label = KIND_LABELS.get(key.kind, "Date clé")
    return AllDay(
        uid=f"{prefix}key-date-{key.id}@relais",
        first=key.start_date,
        last=key.end_date,
        summary=key.label,
        category=label,
    )


async def cohort_ics(
    session: AsyncSession,
    principal: Principal,
    cohort_id: str,
    start: date | None = None,
    end: date | None = None,
) -> bytes:
    cohort = await cohort_for_read(session, principal, cohort_id)
    start, end = resolve_range(start, end, cohort.start_date, cohort.end_date)
    days = await cohort_days(session, cohort, start, end)
    keys = await calendar_key_dates.between(
        session, cohort.organisation_id, [cohort.id], start, end
    )
    events = [
        AllDay(
            f"cohort-{cohort.id}-{d.day.isoformat()}@relais",
            d.day,
            d.day,
            f"CFA — {cohort.name}",
            d.note,
        )
        for d in days
        if d.kind == "cfa"
    ]
    events += [key_date_event(f"cohort-{cohort.id}-", k) for k in keys.get(cohort.id, [])]
    return render(cohort.name, events)


async def learner_ics(
    session: AsyncSession,
    principal: Principal,
    learner_id: str,
    start: date | None = None,
    end: date | None = None,
) -> bytes:
    learner = await learners.get(session, principal, learner_id)  # 404 out of scope
    first, last = resolve_range(start, end, date.min, date.max)
    days = await learner_days(session, learner.organisation_id, learner.id, first, last)
    cohort_ids = sorted({d.cohort_id for d in days})
    rows = await session.execute(select(Cohort.id, Cohort.name).where(Cohort.id.in_(cohort_ids)))
    names = {cohort_id: name for cohort_id, name in rows}
    prefix = f"learner-{learner.id}-"
    events = [
        AllDay(
            f"{prefix}{d.cohort_id}-{d.day.isoformat()}@relais",
            d.day,
            d.day,
            f"CFA — {names.get(d.cohort_id, '')}".rstrip(" —"),
            d.note,
        )
        for d in days
        if d.kind == "cfa"
    ]
    # A key date once, however many of the learner's days it covers.
    keys = {k.id: k for d in days for k in d.key_dates}
    events += [key_date_event(prefix, k) for k in sorted(keys.values(), key=_key_order)]
    return render(f"{learner.first_name} {learner.last_name} — alternance", events)


async def tutor_ics(session: AsyncSession, principal: Principal) -> bytes:
    events = [
        AllDay(
            f"tutor-{d.learner_id}-{d.day.isoformat()}@relais",
            d.day,
            d.day,
            f"{d.first_name} au CFA",
            d.note,
        )
        for d in await tutor_cfa_days(session, principal)
    ]
    return render("Mes apprentis au CFA", events)


def _key_order(key: KeyDateBrief) -> tuple[date, str]:
    return key.start_date, key.id
