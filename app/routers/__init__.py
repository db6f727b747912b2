"""Every router, in the order they appear in the OpenAPI document."""

from app.routers import (
    api_clients,
    audit_events,
    auth,
    health,
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
    audit_events.router,
    health.router,
]
