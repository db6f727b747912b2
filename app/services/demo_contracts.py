"""Demo contracts with a history that could have happened: every status reached through the
legal moves of ``contract_lifecycle``, one ``ContractEvent`` per move, dated in order and never
after the reference day (or the break, completion or cancellation that ends it)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from app.models import Contract, ContractEvent, ContractStatus
from app.services.demo_rows import Rows, at, days
from app.services.demo_texts import (
    BREAK_INITIATORS,
    BREAK_REASONS,
    CANCEL_REASONS,
    REJECT_REASONS,
    TUTOR_CHANGE_REASONS,
)

S = ContractStatus
# The moves after creation (as draft) that lead to each status.
PATHS: dict[str, tuple[ContractStatus, ...]] = {
    S.draft: (),
    S.signed: (S.signed,),
    S.filed: (S.signed, S.filed),
    S.registered: (S.signed, S.filed, S.registered),
    S.rejected: (S.signed, S.filed, S.rejected),
    S.broken: (S.signed, S.filed, S.registered, S.broken),
    S.completed: (S.signed, S.filed, S.registered, S.completed),
    S.cancelled: (S.cancelled,),
}
# Days from one move to the next: signing, sending to the OPCO, its decision.
STEP_DAYS = {S.signed: (1, 12), S.filed: (1, 6), S.registered: (5, 25), S.rejected: (8, 20)}
KINDS = ("apprenticeship",) * 16 + ("professionalisation",) * 3 + ("internship",)


@dataclass
class Employer:
    id: str
    name: str
    opco: str
    owner_id: str | None
    tutors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Placed:
    """A contract as the rest of the history needs it."""

    id: str
    employer: Employer
    start: date
    end: date


def add_contract(
    rows: Rows,
    rng: random.Random,
    ref: date,
    actors: list[str],
    *,
    learner_id: str,
    cohort_id: str | None,
    employer: Employer,
    tutor_id: str | None,
    status: ContractStatus,
    start: date,
    end: date,
    ends_on: date | None = None,
    tutor_change: bool = False,
) -> Placed:
    """``ends_on`` is the break day (``broken``) or the cancellation day (``cancelled``)."""
    final = ends_on if status in (S.broken, S.cancelled) else end
    created = min(start - days(rng.randrange(15, 60)), ref, final or ref)
    limit = min(ref, final) if final else ref
    first_tutor = tutor_id
    change_on = None
    if tutor_change and len(employer.tutors) > 1 and (ref - start).days > 40:
        first_tutor = next(t for t in employer.tutors if t != tutor_id)
        change_on = start + days(rng.randrange(30, (ref - start).days))
    kind = rng.choice(KINDS)
    day = created
    moves: list[tuple[ContractStatus, date]] = []
    for to in PATHS[status]:
        if to in (S.broken, S.cancelled) and ends_on is not None:
            day = ends_on
        elif to == S.completed:
            day = end
        else:
            low, high = STEP_DAYS[to]
            day = max(day, min(day + days(rng.randrange(low, high)), limit))
        moves.append((to, day))
    last_day = moves[-1][1] if moves else created
    broken = status == S.broken
    break_reason = rng.choice(BREAK_REASONS) if broken else None
    contract_id = rows.add(
        Contract,
        at(created, rng),
        at(max(last_day, change_on or last_day), rng),
        kind=kind,
        learner_id=learner_id,
        company_id=employer.id,
        tutor_id=tutor_id,
        cohort_id=cohort_id,
        start_date=start,
        end_date=end,
        practical_start_date=start + days(rng.randrange(0, 10)),
        opco=employer.opco,
        status=status.value,
        break_date=ends_on if broken else None,
        break_initiator=rng.choice(BREAK_INITIATORS) if broken else None,
        break_reason=break_reason,
        sites=[],
    )
    events = _Events(rows, rng, contract_id, rng.choice(actors) if actors else None)
    events.add("created", created, to_status=S.draft.value, to_tutor_id=first_tutor)
    previous = S.draft
    for to, on in moves:
        reason = break_reason if to == S.broken else _reason(rng, to)
        events.add("transition", on, from_status=previous.value, to_status=to.value, reason=reason)
        previous = to
    if change_on is not None:
        events.add(
            "tutor_change",
            change_on,
            from_tutor_id=first_tutor,
            to_tutor_id=tutor_id,
            reason=rng.choice(TUTOR_CHANGE_REASONS),
        )
    return Placed(contract_id, employer, start, end)


def _reason(rng: random.Random, to: ContractStatus) -> str | None:
    if to == S.filed:
        return "Dossier envoyé à l'OPCO"
    if to == S.registered:
        return "Accord de prise en charge de l'OPCO"
    if to == S.rejected:
        return rng.choice(REJECT_REASONS)
    if to == S.cancelled:
        return rng.choice(CANCEL_REASONS)
    return None


class _Events:
    """A contract's events, stamped in order even when two moves fall on the same day."""

    def __init__(self, rows: Rows, rng: random.Random, contract_id: str, actor: str | None):
        self.rows, self.rng, self.contract_id, self.actor = rows, rng, contract_id, actor
        self.last: datetime | None = None

    def add(self, kind: str, on: date, **values: Any) -> None:
        moment = min(at(on, self.rng), self.rows.now)
        if self.last is not None and moment <= self.last:
            moment = self.last + timedelta(minutes=5)
        self.last = moment
        self.rows.add(
            ContractEvent,
            moment,
            contract_id=self.contract_id,
            kind=kind,
            on=on,
            actor_id=self.actor,
            occurred_at=moment,
            **values,
        )
