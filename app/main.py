"""The application factory: settings in, a configured FastAPI app out."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi_offline import FastAPIOffline
from sqlalchemy.exc import SQLAlchemyError

from app import problem_handlers
from app.core.config import Settings, get_settings
from app.core.db import make_engine, make_sessionmaker
from app.core.logging import configure_logging
from app.middleware import RequestContextMiddleware
from app.routers import ROUTERS
from app.schemas.common import ProblemDetail
from app.services.imports import liveness as import_liveness

API_VERSION = "1.0.0"
DESCRIPTION = """Relais follows work-study learners (*alternants*) for training organisations and
CFAs: learners, companies and tutors, programmes and cohorts, contracts and their lifecycle, the
follow-up log, alerts and indicators.

Conventions: cursor pagination (`limit`, `cursor`, `next_cursor`), RFC 9457 problem+json errors,
`ETag`/`If-Match` optimistic concurrency, `Idempotency-Key` on POST, `external_refs` lookups and
`PUT …/by-ref/{source}/{ref}` upserts, and an audit log of every change."""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    engine = make_engine(settings)

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        await _recover_interrupted_work(application)
        yield
        await engine.dispose()

    app = FastAPIOffline(
        title="Relais API",
        version=API_VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        swagger_ui_parameters={"persistAuthorization": True},
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)

    problem_handlers.install(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["ETag", "Location", "X-Request-ID", "Retry-After"],
        )
    app.add_middleware(RequestContextMiddleware)
    for router in ROUTERS:
        app.include_router(router)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=TAGS,
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            problem = ProblemDetail.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(problem.pop("$defs", {}))
            components["ProblemDetail"] = problem
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


async def _recover_interrupted_work(app: FastAPI) -> None:
    """Imports found running at startup died with the previous process: mark them failed.
    Tolerates a database that is not migrated yet (``/ready`` reports that)."""
    try:
        async with app.state.sessionmaker() as session:
            await import_liveness.fail_interrupted_jobs(session)
            await session.commit()
    except SQLAlchemyError:
        logging.getLogger("relais").warning("could not check for interrupted imports")


TAGS = [
    {"name": "auth", "description": "Sign in, refresh, sign out."},
    {"name": "users", "description": "People of the organisation and their roles."},
    {"name": "organisations", "description": "The tenant (the CFA) and its settings."},
    {"name": "api-clients", "description": "Machine clients (client-credentials grant)."},
    {"name": "programmes", "description": "Training programmes (RNCP title, diploma)."},
    {"name": "cohorts", "description": "Promotions: a programme's group for a period."},
    {
        "name": "calendars",
        "description": "Cohort rhythms, key dates and generated days; learners' calendars "
        "(JSON and iCalendar).",
    },
    {"name": "calendar-feeds", "description": "Secret, revocable iCalendar feed URLs."},
    {"name": "learners", "description": "Learners, their enrolments, status and timeline."},
    {"name": "companies", "description": "Host companies and their tutors."},
    {"name": "contracts", "description": "Contracts, their lifecycle and events."},
    {"name": "follow-up-entries", "description": "The follow-up log (livret de suivi)."},
    {"name": "attendance", "description": "Presence and absence per half-day or session."},
    {"name": "review-templates", "description": "Versioned review grids (grilles de visite)."},
    {"name": "reviews", "description": "Company visits and reviews, signed off."},
    {"name": "alerts", "description": "Risk flags raised by rules or people, and their workflow."},
    {"name": "alert-rules", "description": "The rule catalogue and each organisation's settings."},
    {"name": "indicators", "description": "Indicators, dashboard and Qualiopi evidence."},
    {"name": "imports", "description": "Bulk imports from spreadsheets and ERPs."},
    {"name": "exports", "description": "Exports for the national dashboard and ERPs."},
    {"name": "audit-events", "description": "Who changed what, when (read-only)."},
    {"name": "operations", "description": "Liveness and readiness."},
]
