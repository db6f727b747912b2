"""Every model, imported here so that ``Base.metadata`` knows the whole schema."""

from app.models.alert import Alert, AlertEvent, AlertRuleSetting
from app.models.api_client import ApiClient, Scope
from app.models.audit_event import AuditEvent
from app.models.base import Base, Entity
from app.models.calendar import CalendarDay, CalendarFeed, CohortKeyDate, CohortRhythm
from app.models.company import Company, Tutor
from app.models.contract import Contract, ContractEvent, ContractStatus
from app.models.enrolment import Enrolment
from app.models.external_ref import ExternalRef
from app.models.follow_up_entry import FollowUpEntry
from app.models.idempotency import IdempotencyRecord
from app.models.import_job import ImportJob
from app.models.learner import Learner
from app.models.organisation import Organisation
from app.models.programme import Cohort, Programme, cohort_referents
from app.models.review import AttendanceMark, Review, ReviewTemplate
from app.models.session_token import LoginFailure, RefreshToken
from app.models.user import Role, User

__all__ = [
    "Alert",
    "AlertEvent",
    "AlertRuleSetting",
    "AttendanceMark",
    "Review",
    "ReviewTemplate",
    "CalendarDay",
    "CalendarFeed",
    "CohortKeyDate",
    "CohortRhythm",
    "ApiClient",
    "AuditEvent",
    "Base",
    "Cohort",
    "Company",
    "Contract",
    "ContractEvent",
    "ContractStatus",
    "Enrolment",
    "Entity",
    "ExternalRef",
    "FollowUpEntry",
    "IdempotencyRecord",
    "ImportJob",
    "Learner",
    "LoginFailure",
    "Organisation",
    "Programme",
    "RefreshToken",
    "Role",
    "Scope",
    "Tutor",
    "User",
    "cohort_referents",
]
