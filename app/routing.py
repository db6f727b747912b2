"""The route class every router uses: one unit of work per request, committed before the
answer leaves (FastAPI >= 0.118 runs dependency teardown after sending), idempotent replays,
and problem+json answers documented on every operation."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession

from app.deps import IdempotentReplay
from app.errors import Problem
from app.schemas.common import ProblemDetail
from app.services import idempotency

PROBLEM_MEDIA = "application/problem+json"
_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing, invalid or expired access token",
    403: "Your role may not do this",
    404: "Not found, or outside what you may see",
    409: "Conflict with the current state",
    412: "If-Match is stale: the object changed since you read it",
    422: "Invalid input: `errors` names each field",
    429: "Too many requests: see Retry-After",
    500: "Internal error (no details are leaked)",
}
_READ_CODES = (400, 401, 403, 404, 422, 429, 500)
_WRITE_CODES = (400, 401, 403, 404, 409, 412, 422, 429, 500)
# Headers worth replaying with a stored answer.
_REPLAYED_HEADERS = ("content-type", "etag", "location")


def problem_responses(codes: tuple[int, ...]) -> dict[int | str, dict[str, Any]]:
    return {
        code: {
            "description": _DESCRIPTIONS[code],
            "content": {PROBLEM_MEDIA: {"schema": {"$ref": "#/components/schemas/ProblemDetail"}}},
        }
        for code in codes
    }


class UnitOfWorkRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        methods = set(kwargs.get("methods") or ())
        codes = _READ_CODES if methods <= {"GET", "HEAD"} else _WRITE_CODES
        responses = dict(problem_responses(codes))
        responses.update(kwargs.get("responses") or {})
        kwargs["responses"] = responses
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def unit_of_work(request: Request) -> Response:
            try:
                response = await handler(request)
            except IdempotentReplay as replay:
                await _end(request, commit=False)
                headers = {**replay.headers, "Idempotent-Replayed": "true"}
                return Response(replay.body, status_code=replay.status_code, headers=headers)
            except Problem as problem:
                await _end(request, commit=problem.keep_writes)
                raise
            except BaseException:
                await _end(request, commit=False)
                raise
            if response.status_code < 400:
                await _remember_for_replay(request, response)
            await _end(request, commit=response.status_code < 400)
            return response

        return unit_of_work


def _session(request: Request) -> AsyncSession | None:
    return getattr(request.state, "db_session", None)


async def _end(request: Request, *, commit: bool) -> None:
    session = _session(request)
    if session is None:
        return
    if commit:
        await session.commit()
    else:
        await session.rollback()


async def _remember_for_replay(request: Request, response: Response) -> None:
    pending = getattr(request.state, "idempotency", None)
    session = _session(request)
    if pending is None or session is None:
        return
    principal_key, key, path, request_hash = pending
    await idempotency.store(
        session,
        principal_key=principal_key,
        key=key,
        path=path,
        request_hash=request_hash,
        status_code=response.status_code,
        headers={k: v for k, v in response.headers.items() if k in _REPLAYED_HEADERS},
        body=bytes(response.body).decode(),
    )


__all__ = ["ProblemDetail", "UnitOfWorkRoute", "problem_responses"]


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = f'"{version}"'
