"""The rule catalogue: importing this package registers every rule of RULES.md in
``app.services.alerts.catalogue.CATALOGUE`` (one module per rule, named by its code)."""

from app.services.alerts.rules import (
    absences_threshold,
    apprentice_age_out_of_range,
    between_contracts_too_long,
    contract_ending_soon,
    contract_not_filed,
    no_employer_after_window,
    no_follow_up,
    opco_decision_late,
    post_contract_follow_up_due,
    rupture_risk,
    sensitive_company_placement,
    trial_period_check,
    tutor_overloaded,
    two_month_interview_missing,
    visit_overdue,
)

__all__ = [
    "absences_threshold",
    "apprentice_age_out_of_range",
    "between_contracts_too_long",
    "contract_ending_soon",
    "contract_not_filed",
    "no_employer_after_window",
    "no_follow_up",
    "opco_decision_late",
    "post_contract_follow_up_due",
    "rupture_risk",
    "sensitive_company_placement",
    "trial_period_check",
    "tutor_overloaded",
    "two_month_interview_missing",
    "visit_overdue",
]
