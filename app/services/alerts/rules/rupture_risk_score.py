"""The break-risk score's arithmetic (``rupture_risk``), pure: the raw numbers of one running
contract in, every factor's value and points out. Kept apart from the query so that the
weighting can be read (and tested) on its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.services.alerts.rules import common

MAX_SCORE = 100
ADULT_AGE = 18


@dataclass(frozen=True)
class Factors:
    unjustified_absences: int
    incidents: int
    company_sensitive: bool
    company_breaks: int
    review_overdue: list[str]
    days_in_company: int
    fragile: bool
    housing_need: bool
    transport_need: bool
    age: int | None
    days_since_follow_up: int | None  # None: the team never wrote an entry
    follow_up_days: int
    trial_period_days: int

    @classmethod
    def from_row(
        cls, row: Any, as_of: date, params: dict[str, Any], follow_up_days: int, trial_days: int
    ) -> Factors:
        overdue: list[str] = []
        visit_bound = common.days_before(as_of, params["visit_overdue_days"])
        no_recent_visit = row.start_date <= visit_bound and (
            row.last_visit_on is None or row.last_visit_on <= visit_bound
        )
        if no_recent_visit or row.missed_on is not None:
            overdue.append("visit_overdue")
        interview_bound = common.days_before(as_of, params["two_month_interview_days"])
        if (
            row.kind == common.APPRENTICESHIP
            and row.start_date <= interview_bound
            and not row.interview_done
        ):
            overdue.append("two_month_interview_missing")
        needs = set(row.needs or [])
        started = row.practical_start_date or row.start_date
        return cls(
            unjustified_absences=int(row.absences or 0),
            incidents=int(row.incidents or 0),
            company_sensitive=bool(row.sensitive),
            company_breaks=int(row.breaks or 0),
            review_overdue=overdue,
            days_in_company=(as_of - started).days,
            fragile=bool(row.fragile),
            housing_need="housing" in needs,
            transport_need="transport" in needs,
            age=common.age_on(row.birth_date, as_of) if row.birth_date else None,
            days_since_follow_up=(as_of - row.last_entry_on).days if row.last_entry_on else None,
            follow_up_days=follow_up_days,
            trial_period_days=trial_days,
        )


def score(f: Factors, p: dict[str, Any]) -> tuple[int, list[dict[str, Any]]]:
    """The capped total and every factor as ``{"factor", "value", "points"}``, in the
    documented order."""

    def when(condition: bool, points: int) -> int:
        return points if condition else 0

    absences = min(
        f.unjustified_absences * p["points_per_unjustified_absence"], p["max_points_absences"]
    )
    incidents = min(f.incidents * p["points_per_incident"], p["max_points_incidents"])
    silent = f.days_since_follow_up is None or f.days_since_follow_up >= f.follow_up_days
    listed: list[tuple[str, Any, int]] = [
        ("unjustified_absences", f.unjustified_absences, absences),
        ("incidents", f.incidents, incidents),
        (
            "company_at_risk",
            {"sensitive": f.company_sensitive, "breaks_last_year": f.company_breaks},
            when(f.company_sensitive or f.company_breaks > 0, p["points_company_at_risk"]),
        ),
        (
            "review_overdue",
            f.review_overdue,
            when(bool(f.review_overdue), p["points_review_overdue"]),
        ),
        (
            "first_45_days",
            f.days_in_company,
            when(0 <= f.days_in_company < f.trial_period_days, p["points_first_45_days"]),
        ),
        ("fragile", f.fragile, when(f.fragile, p["points_fragile"])),
        ("housing_need", f.housing_need, when(f.housing_need, p["points_housing_need"])),
        ("transport_need", f.transport_need, when(f.transport_need, p["points_transport_need"])),
        ("under_18", f.age, when(f.age is not None and f.age < ADULT_AGE, p["points_under_18"])),
        ("no_follow_up", f.days_since_follow_up, when(silent, p["points_no_follow_up"])),
    ]
    total = min(MAX_SCORE, sum(points for _, _, points in listed))
    return total, [
        {"factor": name, "value": value, "points": points} for name, value, points in listed
    ]
