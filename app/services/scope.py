"""Who may see what: the object scope of every role, as SQL conditions.

Every service query of a scoped resource starts from these, so that an object outside the
caller's scope is simply not found (404), in lists as in reads. A caller with several roles sees
the union of their scopes. Nobody ever sees another organisation's rows."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, or_, select, true

from app.core.principal import Principal
from app.models import (
    Company,
    Contract,
    Enrolment,
    FollowUpEntry,
    Learner,
    Role,
    Tutor,
    cohort_referents,
)

# Fields a company tutor or a prescriber never sees on a learner (personal, sensitive data).
REDACTED_FOR_COMPANY = ("address", "needs", "referral", "fragile", "fragile_reason")
REDACTED_FOR_PRESCRIBER = ("address", "needs", "fragile", "fragile_reason")


def _my_tutor_ids(principal: Principal) -> Select[str]:
    return select(Tutor.id).where(
        Tutor.organisation_id == principal.organisation_id, Tutor.user_id == principal.id
    )


def _tutored_contract_ids(principal: Principal) -> Select[str]:
    return select(Contract.id).where(Contract.tutor_id.in_(_my_tutor_ids(principal)))


def _referent_learner_ids(principal: Principal) -> Select[str]:
    my_cohorts = select(cohort_referents.c.cohort_id).where(
        cohort_referents.c.user_id == principal.id
    )
    return (
        select(Learner.id)
        .where(Learner.organisation_id == principal.organisation_id)
        .where(
            or_(
                Learner.referent_id == principal.id,
                Learner.id.in_(
                    select(Enrolment.learner_id).where(Enrolment.cohort_id.in_(my_cohorts))
                ),
            )
        )
    )


def visible_learner_ids(principal: Principal) -> Select[str]:
    """The ids of the learners the caller may see (whole organisation included)."""
    return select(Learner.id).where(learner_condition(principal))


def learner_condition(principal: Principal) -> ColumnElement[bool]:
    tenant = Learner.organisation_id == principal.organisation_id
    if principal.sees_whole_organisation:
        return tenant
    parts: list[ColumnElement[bool]] = []
    if Role.referent in principal.roles:
        parts.append(Learner.id.in_(_referent_learner_ids(principal)))
    if Role.tutor in principal.roles:
        parts.append(
            Learner.id.in_(
                select(Contract.learner_id).where(Contract.tutor_id.in_(_my_tutor_ids(principal)))
            )
        )
    if Role.learner in principal.roles:
        parts.append(Learner.user_id == principal.id)
    if Role.prescriber in principal.roles:
        parts.append(Learner.prescriber_id == principal.id)
    return tenant & (or_(*parts) if parts else false())


def redacted_learner_fields(principal: Principal) -> tuple[str, ...]:
    """Fields to hide from this caller on a learner they may see."""
    if principal.sees_whole_organisation or Role.referent in principal.roles:
        return ()
    if Role.tutor in principal.roles:
        return REDACTED_FOR_COMPANY
    if Role.prescriber in principal.roles:
        return REDACTED_FOR_PRESCRIBER
    return ()


def contract_condition(principal: Principal) -> ColumnElement[bool]:
    tenant = Contract.organisation_id == principal.organisation_id
    if principal.sees_whole_organisation:
        return tenant
    parts: list[ColumnElement[bool]] = []
    if Role.tutor in principal.roles:
        parts.append(Contract.tutor_id.in_(_my_tutor_ids(principal)))
    if principal.has_any({Role.referent, Role.learner, Role.prescriber}):
        # Referents, learners and prescribers see the contracts of the learners they see.
        others = Principal(
            kind=principal.kind,
            id=principal.id,
            organisation_id=principal.organisation_id,
            roles=principal.roles - {Role.tutor},
        )
        parts.append(Contract.learner_id.in_(visible_learner_ids(others)))
    return tenant & (or_(*parts) if parts else false())


def visible_contract_ids(principal: Principal) -> Select[str]:
    return select(Contract.id).where(contract_condition(principal))


def company_condition(principal: Principal) -> ColumnElement[bool]:
    tenant = Company.organisation_id == principal.organisation_id
    if principal.sees_whole_organisation:
        return tenant
    parts: list[ColumnElement[bool]] = [
        Company.id.in_(select(Contract.company_id).where(contract_condition(principal)))
    ]
    if Role.tutor in principal.roles:
        parts.append(Company.id.in_(select(Tutor.company_id).where(Tutor.user_id == principal.id)))
    return tenant & or_(*parts)


def tutor_condition(principal: Principal) -> ColumnElement[bool]:
    tenant = Tutor.organisation_id == principal.organisation_id
    if principal.sees_whole_organisation:
        return tenant
    parts: list[ColumnElement[bool]] = [
        Tutor.id.in_(select(Contract.tutor_id).where(contract_condition(principal)))
    ]
    if Role.tutor in principal.roles:
        parts.append(Tutor.user_id == principal.id)
    return tenant & or_(*parts)


def follow_up_entry_condition(principal: Principal) -> ColumnElement[bool]:
    tenant = FollowUpEntry.organisation_id == principal.organisation_id
    if principal.sees_whole_organisation:
        return tenant
    parts: list[ColumnElement[bool]] = []
    if Role.referent in principal.roles:
        parts.append(FollowUpEntry.learner_id.in_(_referent_learner_ids(principal)))
    if Role.tutor in principal.roles:
        tutored = _tutored_contract_ids(principal)
        tutored_learners = select(Contract.learner_id).where(Contract.id.in_(tutored))
        parts.append(
            FollowUpEntry.visibility.in_(("company", "all"))
            & FollowUpEntry.learner_id.in_(tutored_learners)
            & or_(FollowUpEntry.contract_id.is_(None), FollowUpEntry.contract_id.in_(tutored))
        )
    if Role.learner in principal.roles:
        parts.append(
            FollowUpEntry.visibility.in_(("learner", "all"))
            & FollowUpEntry.learner_id.in_(
                select(Learner.id).where(Learner.user_id == principal.id)
            )
        )
    if Role.prescriber in principal.roles:
        parts.append(
            (FollowUpEntry.visibility == "all")
            & FollowUpEntry.learner_id.in_(
                select(Learner.id).where(Learner.prescriber_id == principal.id)
            )
        )
    return tenant & (or_(*parts) if parts else false())


def everyone_in_organisation(
    principal: Principal, organisation_column: object
) -> ColumnElement[bool]:
    """Reference data (programmes, cohorts) is readable by every member of the organisation."""
    return (organisation_column == principal.organisation_id) & true()  # type: ignore[operator,return-value]
