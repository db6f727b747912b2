"""One demo learner with a history that yields a chosen derived status on the reference day
(the rules of ``learner_status``): referral, enrolment, contracts and follow-up entries."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from app.models import ContractStatus, Enrolment, Learner
from app.services.demo_contracts import Employer, Placed, add_contract
from app.services.demo_entries import Entries, Team
from app.services.demo_people import PLACES, STREETS, person, phone
from app.services.demo_rows import Rows, ascii_slug, at, days
from app.services.demo_texts import (
    EDUCATION_LEVELS,
    FRAGILE_REASONS,
    MOTIVATIONS,
    NEEDS,
    ProgrammeSpec,
)

S = ContractStatus
# Shares (per cent) of each status in generated data: a CFA in its second term.
STATUS_SHARES = {
    "referred": 10, "enrolled_seeking": 15, "under_contract": 43, "between_contracts": 8,
    "completed": 15, "dropped_out": 9,
}  # fmt: skip
AGES = (16, 17, 17, 18, 18, 18, 19, 19, 19, 20, 20, 21, 21, 22, 23, 24, 25, 27)


@dataclass
class CohortRef:
    id: str
    name: str
    start: date
    end: date
    spec: ProgrammeSpec
    referents: list[str] = field(default_factory=list)


def status_plan(n: int, rng: random.Random) -> list[str]:
    """``n`` statuses in the shares above (largest remainders), in a seeded order."""
    exact = {s: n * share / 100 for s, share in STATUS_SHARES.items()}
    counts = {s: int(v) for s, v in exact.items()}
    for s in sorted(exact, key=lambda s: exact[s] - counts[s], reverse=True)[
        : n - sum(counts.values())
    ]:
        counts[s] += 1
    plan = [s for s, count in counts.items() for _ in range(count)]
    rng.shuffle(plan)
    return plan


class Histories:
    def __init__(
        self,
        rows: Rows,
        rng: random.Random,
        ref: date,
        team: Team,
        cohorts: list[CohortRef],
        employers: dict[str, list[Employer]],
    ) -> None:
        self.rows, self.rng, self.ref, self.team, self.employers = rows, rng, ref, team, employers
        self.entries = Entries(rows, rng, ref, team, employers)
        running = [c for c in cohorts if c.start <= ref and c.end > ref + days(30)]
        self.cohorts = {
            "completed": [c for c in cohorts if c.end < ref],
            "dropped_out": [c for c in cohorts if c.start <= ref - days(60)],
            "between_contracts": [c for c in running if c.start <= ref - days(90)],
            "under_contract": running,
            "enrolled_seeking": running,
        }

    def cohort_for(self, status: str) -> CohortRef | None:
        if status == "referred":
            return None
        return self.rng.choice(self.cohorts[status] or self.cohorts["under_contract"])

    def learner(
        self,
        status: str,
        cohort: CohortRef | None,
        *,
        names: tuple[str, str] | None = None,
        user_id: str | None = None,
        prescriber_id: str | None = None,
        placement: tuple[Employer, str] | None = None,
    ) -> str:
        rng, ref, team = self.rng, self.ref, self.team
        start = None
        if cohort is not None:
            late = rng.randrange(0, 45) if rng.random() < 0.15 else 0
            start = min(cohort.start + days(late), ref)
        referred_on = (start or ref) - days(rng.randrange(3, 120))
        first, last = names or person(rng)
        pool = cohort.referents if cohort and cohort.referents else team.referents
        referent = rng.choice(pool) if cohort or rng.random() < 0.5 else None
        if prescriber_id is None and rng.random() < 0.35:
            prescriber_id = rng.choice(team.prescribers)
        learner_id = self._learner_row(
            first, last, referred_on, cohort, referent, prescriber_id, user_id
        )
        if cohort is None or start is None:
            self.entries.add(learner_id, status, referred_on, ref, referent, user_id)
            return learner_id
        end, reason = None, None
        if status == "completed":
            end, reason = cohort.end, "completed"
        elif status == "dropped_out":
            span = max(1, (min(ref, cohort.end) - start).days - 1)
            end, reason = start + days(rng.randint(min(30, span), span)), "dropped_out"
        self.rows.add(
            Enrolment,
            at(referred_on + days(7), rng),
            learner_id=learner_id,
            cohort_id=cohort.id,
            start_date=start,
            end_date=end,
            ended_reason=reason,
        )
        placed = self._contracts(learner_id, status, cohort, start, end, placement)
        ended = placed.end if placed and status == "completed" else None
        self.entries.add(learner_id, status, start, end or ref, referent, user_id, placed, ended)
        return learner_id

    def _learner_row(
        self,
        first: str,
        last: str,
        referred_on: date,
        cohort: CohortRef | None,
        referent: str | None,
        prescriber_id: str | None,
        user_id: str | None,
    ) -> str:
        rng = self.rng
        postcode, city, rural = rng.choice(PLACES)
        needs = [n for n in NEEDS if rng.random() < 0.06]
        if rural and rng.random() < 0.5 and "transport" not in needs:
            needs.insert(0, "transport")
        fragile = rng.random() < 0.08
        spec = cohort.spec if cohort else None
        return self.rows.add(
            Learner,
            at(referred_on, rng),
            first_name=first,
            last_name=last,
            birth_date=self.ref - days(365 * rng.choice(AGES) + rng.randrange(365)),
            email=f"{ascii_slug(first)}.{ascii_slug(last)}{rng.randrange(1, 100)}@exemple.fr",
            phone=phone(rng),
            ine=f"{rng.randrange(10**9, 10**10)}{rng.choice('ABCDEFGHJK')}"
            if rng.random() < 0.7
            else None,
            address={
                "line": f"{rng.randrange(1, 90)} {rng.choice(STREETS)}",
                "postcode": postcode,
                "city": city,
            },
            referent_id=referent,
            prescriber_id=prescriber_id,
            user_id=user_id,
            referral={
                "education_level": rng.choice(EDUCATION_LEVELS),
                "qualification_sought": spec.title if spec else None,
                "target_job": spec.target_job if spec else None,
                "motivation": rng.choice(MOTIVATIONS),
            },
            needs=needs,
            fragile=fragile,
            fragile_reason=rng.choice(FRAGILE_REASONS) if fragile else None,
        )

    def _contracts(
        self,
        learner_id: str,
        status: str,
        cohort: CohortRef,
        start: date,
        end: date | None,
        placement: tuple[Employer, str] | None,
    ) -> Placed | None:
        rng, ref = self.rng, self.ref

        def contract(
            status_: ContractStatus,
            begin: date,
            *,
            end: date | None = None,
            ends_on: date | None = None,
            tutor_change: bool = False,
        ) -> Placed:
            employer, tutor = placement or self._employer(cohort)
            return add_contract(
                self.rows, rng, ref, self.team.staff, learner_id=learner_id,
                cohort_id=cohort.id, employer=employer, tutor_id=tutor, status=status_,
                start=begin, end=end or cohort.end + days(rng.randrange(0, 60)),
                ends_on=ends_on, tutor_change=tutor_change,
            )  # fmt: skip

        def broken_before(limit: date) -> date | None:
            """An earlier contract that broke; the day a new one may start, if there is room."""
            begin = start - days(rng.randrange(0, 20))
            broke = begin + days(rng.randrange(20, 60))
            if broke + days(10) >= limit:
                return None
            contract(S.broken, begin, ends_on=broke)
            return broke + days(rng.randrange(7, 30))

        begin = min(start - days(rng.randrange(0, 30)), ref)
        if status == "enrolled_seeking":
            roll = rng.random()
            if roll < 0.55:
                return None
            if roll < 0.75:
                return contract(S.draft, ref + days(rng.randrange(10, 60)))
            if roll < 0.85:
                return contract(S.signed, ref + days(rng.randrange(5, 30)))
            if roll < 0.95:
                later = ref + days(rng.randrange(-20, 40))
                return contract(S.cancelled, later, ends_on=min(ref, later - days(1)))
            return contract(S.rejected, begin)
        if status == "under_contract":
            if placement is None and rng.random() < 0.1:
                begin = min(broken_before(ref) or begin, ref)
            live = rng.choice((S.registered,) * 15 + (S.filed,) * 3 + (S.signed,) * 2)
            return contract(live, begin, tutor_change=placement is None and rng.random() < 0.06)
        if status == "between_contracts":
            broke = max(begin + days(20), ref - days(rng.randrange(5, 150)))
            return contract(S.broken, begin, ends_on=min(broke, ref))
        if status == "completed" and end is not None:
            if rng.random() < 0.08:
                begin = broken_before(end - days(180)) or begin
            stop = min(cohort.end + days(rng.randrange(0, 60)), ref - days(1))
            return contract(S.completed, begin, end=stop)
        if (
            status == "dropped_out"
            and end is not None
            and (end - start).days > 60
            and rng.random() < 0.5
        ):
            begin = start + days(rng.randrange(0, 20))
            broke = begin + days(rng.randrange(20, (end - begin).days))
            return contract(S.broken, begin, ends_on=broke)
        return None

    def _employer(self, cohort: CohortRef) -> tuple[Employer, str]:
        employer = self.rng.choice(self.employers[cohort.spec.sector])
        return employer, self.rng.choice(employer.tutors)
