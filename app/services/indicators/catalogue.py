"""The indicator catalogue of INDICATORS.md: code, words (fr/en), unit, subject, and which
filters and groupings each accepts. The SQL lives in the family modules (``facts_*``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unit = Literal["count", "rate", "days"]
Subject = Literal["contract", "learner", "review", "attendance_mark", "alert"]

FILTERS = ("programme_id", "cohort_id", "company_id", "owner_id")
GROUPINGS = ("month", "programme", "cohort", "company", "referent", "owner", "rule", "severity")
# Snapshot indicators ("as of to") have no event date: no month grouping.
_ALL = ("programme", "cohort", "company", "referent", "owner")
_DATED = ("month", *_ALL)
_NO_COMPANY = ("programme", "cohort", "referent")


@dataclass(frozen=True)
class Indicator:
    code: str
    unit: Unit
    subject: Subject
    title: dict[str, str]
    definition: dict[str, str]
    groupings: tuple[str, ...] = _DATED
    filters: tuple[str, ...] = FILTERS


def _i(
    code: str,
    unit: Unit,
    subject: Subject,
    fr: tuple[str, str],
    en: tuple[str, str],
    groupings: tuple[str, ...] = _DATED,
    filters: tuple[str, ...] = FILTERS,
) -> Indicator:
    return Indicator(
        code,
        unit,
        subject,
        {"fr": fr[0], "en": en[0]},
        {"fr": fr[1], "en": en[1]},
        groupings,
        filters,
    )


CATALOGUE: tuple[Indicator, ...] = (
    _i(
        "active_contracts",
        "count",
        "contract",
        ("Contrats en cours", "Contrats en cours d'exécution à la date de fin."),
        ("Running contracts", "Contracts running as of `to`."),
        _ALL,
    ),
    _i(
        "contracts_started",
        "count",
        "contract",
        ("Contrats démarrés", "Contrats conclus dont la date de début est dans la période."),
        ("Contracts started", "Started contracts with start_date in the window."),
    ),
    _i(
        "rupture_rate",
        "rate",
        "contract",
        (
            "Taux de rupture",
            "Parmi les contrats démarrés dans la période, ceux rompus à la date de fin.",
        ),
        ("Break rate", "Of started contracts with start_date in the window, those broken by `to`."),
    ),
    _i(
        "early_rupture_rate",
        "rate",
        "contract",
        (
            "Taux de rupture précoce",
            "Même dénominateur ; ruptures moins de 45 jours après le "
            "début de la formation pratique (ou du contrat).",
        ),
        (
            "Early break rate",
            "Same denominator; broken less than 45 days after "
            "practical_start_date (or start_date).",
        ),
    ),
    _i(
        "learners_seeking",
        "count",
        "learner",
        ("Apprenants sans employeur", "Apprenants inscrits sans contrat à la date de fin."),
        ("Learners seeking an employer", "Learners enrolled_seeking as of `to`."),
        _NO_COMPANY,
        ("programme_id", "cohort_id"),
    ),
    _i(
        "median_days_to_contract",
        "days",
        "learner",
        (
            "Délai médian d'accès au contrat",
            "Pour les apprenants dont le premier contrat "
            "démarre dans la période : médiane (début du contrat − début d'inscription), 0 si le "
            "contrat précède.",
        ),
        (
            "Median days to contract",
            "For learners whose first started contract starts in the "
            "window: median of (contract start − enrolment start), 0 when the contract came "
            "first.",
        ),
    ),
    _i(
        "two_month_interview_on_time_rate",
        "rate",
        "contract",
        (
            "Entretiens des deux mois à temps",
            "Contrats d'apprentissage démarrés dans la période "
            "avec début + 60 ≤ fin : ceux avec un entretien fait au plus tard à début + 60.",
        ),
        (
            "Two-month interviews on time",
            "Apprenticeships started in the window with start + "
            "60 ≤ `to`: those with a done two_month_interview by start + 60.",
        ),
    ),
    _i(
        "visits_on_time_rate",
        "rate",
        "review",
        (
            "Visites à temps",
            "Visites prévues dans la période : celles faites au plus tard 7 "
            "jours après la date prévue.",
        ),
        (
            "Visits on time",
            "Visit reviews scheduled in the window: those done within 7 days of scheduled_on.",
        ),
    ),
    _i(
        "absence_rate",
        "rate",
        "attendance_mark",
        ("Taux d'absence", "Parmi les pointages de la période, les absences (justifiées ou non)."),
        ("Absence rate", "Of attendance marks in the window, those absent or excused."),
    ),
    _i(
        "unjustified_absence_rate",
        "rate",
        "attendance_mark",
        (
            "Taux d'absence injustifiée",
            "Parmi les pointages de la période, les absences non justifiées.",
        ),
        (
            "Unjustified absence rate",
            "Of attendance marks in the window, those absent without justification.",
        ),
    ),
    _i(
        "follow_up_coverage",
        "rate",
        "learner",
        (
            "Couverture du suivi",
            "Apprenants inscrits à la date de fin ayant une note de suivi "
            "de l'équipe dans les 60 jours.",
        ),
        (
            "Follow-up coverage",
            "Learners enrolled as of `to` with a follow-up entry by staff "
            "in the 60 days up to `to`.",
        ),
        _ALL,
    ),
    _i(
        "alerts_open",
        "count",
        "alert",
        ("Alertes ouvertes", "Alertes ouvertes ou prises en charge à la date de fin."),
        ("Open alerts", "Alerts open or acknowledged as of `to`."),
        (*_ALL, "rule", "severity"),
    ),
    _i(
        "alert_resolution_median_days",
        "days",
        "alert",
        (
            "Délai médian de traitement des alertes",
            "Alertes résolues dans la période : médiane des jours entre ouverture et résolution.",
        ),
        (
            "Median alert resolution days",
            "Alerts resolved in the window: median days from opened_at to resolved_at.",
        ),
        (*_DATED, "rule", "severity"),
    ),
    _i(
        "owner_load",
        "count",
        "contract",
        (
            "Charge par chargé de relations entreprises",
            "Contrats en cours à la date de fin par responsable de l'entreprise (cible 80 à 100).",
        ),
        ("Owner load", "Running contracts as of `to` per company_relations owner (target 80–100)."),
        _ALL,
    ),
    _i(
        "filing_delay_median_days",
        "days",
        "contract",
        (
            "Délai médian de dépôt",
            "Contrats déposés dans la période : médiane des jours entre "
            "le début du contrat et le dépôt.",
        ),
        (
            "Median filing delay",
            "Contracts filed in the window: median days from start_date to the filed transition.",
        ),
    ),
    _i(
        "completion_rate",
        "rate",
        "contract",
        (
            "Taux de réussite des contrats",
            "Contrats démarrés dont la fin est dans la période : ceux menés à terme.",
        ),
        (
            "Completion rate",
            "Of started contracts whose end_date is in the window: those completed.",
        ),
    ),
)
BY_CODE = {indicator.code: indicator for indicator in CATALOGUE}
