"""The follow-up log of a demo learner: entries of the kinds their status calls for, by the
people who would write them, shared as a CFA team would (``demo_texts.VISIBILITIES``)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from app.models import FollowUpEntry
from app.services.demo_contracts import Employer, Placed
from app.services.demo_rows import Rows, at, days
from app.services.demo_texts import CONTRACT_KINDS, ENTRY_PLANS, ENTRY_TEXTS, VISIBILITIES


@dataclass
class Team:
    """User ids by role, to author entries, refer learners and own companies."""

    coordinators: list[str]
    staff: list[str]
    relations: list[str]
    referents: list[str]
    prescribers: list[str]


@dataclass
class Entries:
    rows: Rows
    rng: random.Random
    ref: date
    team: Team
    employers: dict[str, list[Employer]]

    def add(
        self,
        learner_id: str,
        status: str,
        low: date,
        high: date,
        referent: str | None,
        user_id: str | None = None,
        placed: Placed | None = None,
        ended: date | None = None,
    ) -> None:
        """Entries dated from ``low`` to ``high``; ``post_contract`` ones after ``ended``."""
        rng, ref, team = self.rng, self.ref, self.team
        kinds, fewest, most = ENTRY_PLANS[status]
        for _ in range(rng.randint(fewest, most)):
            kind = rng.choice(kinds)
            occurred = low + days(rng.randrange(max(1, (high - low).days + 1)))
            if kind == "post_contract":
                if ended is None or ended + days(30) > ref:
                    kind = "review"
                else:
                    occurred = ended + days(rng.randrange(30, (ref - ended).days + 1))
            on_contract = kind in CONTRACT_KINDS and placed and placed.start <= occurred
            attached = placed if on_contract else None
            employer = attached.employer if attached else None
            if kind in ("company_contact", "job_search") and rng.random() < 0.6:
                employer = rng.choice(rng.choice(list(self.employers.values())))
            author = referent or rng.choice(team.coordinators)
            if kind == "job_search" and user_id and rng.random() < 0.7:
                author = user_id  # the learner logs their own steps
            elif kind == "company_contact" or rng.random() < 0.1:
                author = (employer.owner_id if employer else None) or rng.choice(team.relations)
            summaries, bodies, steps = ENTRY_TEXTS[kind]
            name = employer.name if employer else "une entreprise"
            step = rng.choice(steps) if rng.random() < 0.3 else None
            self.rows.add(
                FollowUpEntry,
                at(min(occurred + days(rng.randrange(3)), ref), rng),
                learner_id=learner_id,
                contract_id=attached.id if attached else None,
                company_id=employer.id if employer and kind != "job_search" else None,
                kind=kind,
                occurred_on=occurred,
                author_id=author,
                summary=rng.choice(summaries).format(company=name),
                body=rng.choice(bodies) if rng.random() < 0.5 else None,
                visibility=rng.choice(VISIBILITIES[kind]),
                next_step=step,
                next_step_due_on=occurred + days(rng.randrange(7, 45)) if step else None,
            )
