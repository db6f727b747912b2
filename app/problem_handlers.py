"""Every error leaves as RFC 9457 problem+json: ours, FastAPI's, Starlette's, the database's,
and the unexpected ones (logged with the request id, never shown)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import (
    BadRequest,
    Conflict,
    MethodNotAllowed,
    NotFound,
    PreconditionFailed,
    Problem,
    Unauthorized,
    ValidationFailed,
)

log = logging.getLogger("relais.errors")
PROBLEM_MEDIA = "application/problem+json"


def problem_response(problem: Problem, request: Request | None = None) -> JSONResponse:
    instance = request.url.path if request is not None else None
    return JSONResponse(
        jsonable_encoder(problem.body(instance)),
        status_code=problem.status,
        headers=problem.headers,
        media_type=PROBLEM_MEDIA,
    )


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {
            "loc": [str(p) if not isinstance(p, int) else p for p in err.get("loc", ())],
            "msg": str(err.get("msg", "")),
            "type": str(err.get("type", "value_error")),
        }
        for err in exc.errors()
    ]


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return problem_response(exc, request)


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc)
    fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in errors[:5])
    return problem_response(ValidationFailed(f"Invalid input: {fields}.", errors=errors), request)


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    problem: Problem
    if exc.status_code == 404:
        problem = NotFound("No such resource.")
    elif exc.status_code == 405:
        problem = MethodNotAllowed(
            "This method is not allowed here.", headers=dict(exc.headers or {})
        )
    elif exc.status_code == 401:
        problem = Unauthorized(str(exc.detail))
    else:
        problem = BadRequest(str(exc.detail))
        problem.status = exc.status_code
    return problem_response(problem, request)


async def _on_integrity(request: Request, exc: Exception) -> JSONResponse:
    log.info("integrity error", extra={"path": request.url.path})
    return problem_response(
        Conflict("The change conflicts with existing data (a duplicate or a missing link)."),
        request,
    )


async def _on_stale(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(
        PreconditionFailed("The object changed while you were changing it: read it again."),
        request,
    )


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", extra={"path": request.url.path})
    return problem_response(Problem("An unexpected error occurred; it has been logged."), request)


def install(app: FastAPI) -> None:
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(IntegrityError, _on_integrity)
    app.add_exception_handler(StaleDataError, _on_stale)
    app.add_exception_handler(Exception, _on_unexpected)
