"""Every router, in the order they appear in the OpenAPI document."""

from app.routers import (
    alert_rules,
    alerts,
    api_clients,
    audit_events,
    auth,
    cohorts,
    companies,
    contracts,
    follow_up_entries,
    health,
    learners,
    organisations,
    programmes,
    users,
)

ROUTERS = [
    auth.router,
    users.router,
    organisations.router,
    api_clients.router,
    programmes.router,
    cohorts.router,
    learners.router,
    companies.router,
    contracts.router,
    follow_up_entries.router,
    alerts.router,
    alert_rules.router,
    audit_events.router,
    health.router,
]
