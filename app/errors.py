"""RFC 9457 problems: one exception type per fault, one ``type`` URI per fault everywhere.

Services raise these; ``app.problem_handlers`` turns them (and every other error) into
``application/problem+json`` answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

PROBLEM_BASE = "https://relais.dev/problems/"


class Problem(Exception):
    status: int = 500
    type_name: str = "internal-error"
    title: str = "Internal server error"
    # Keep the writes of the failed request (e.g. a failed login is counted even though it fails).
    keep_writes: bool = False

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        errors: Sequence[dict[str, Any]] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.headers = headers or {}
        self.errors = list(errors) if errors is not None else None
        self.extra = extra

    @property
    def type(self) -> str:
        return PROBLEM_BASE + self.type_name

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        if self.errors is not None:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class BadRequest(Problem):
    status, type_name, title = 400, "bad-request", "Bad request"


class Unauthorized(Problem):
    status, type_name, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kwargs)


class InvalidCredentials(Unauthorized):
    type_name, title = "invalid-credentials", "Invalid credentials"
    keep_writes = True


class Forbidden(Problem):
    status, type_name, title = 403, "forbidden", "Forbidden"


class NotFound(Problem):
    status, type_name, title = 404, "not-found", "Not found"


class MethodNotAllowed(Problem):
    status, type_name, title = 405, "method-not-allowed", "Method not allowed"


class Conflict(Problem):
    status, type_name, title = 409, "conflict", "Conflict"


class IllegalTransition(Conflict):
    type_name, title = "illegal-transition", "Illegal transition"


class IdempotencyKeyReused(Problem):
    status, type_name, title = 422, "idempotency-key-reused", "Idempotency key reused"


class PreconditionFailed(Problem):
    status, type_name, title = 412, "precondition-failed", "Precondition failed"


class ValidationFailed(Problem):
    status, type_name, title = 422, "validation-error", "Validation error"

    @classmethod
    def on(cls, loc: Sequence[str | int], msg: str, type_: str = "value_error") -> ValidationFailed:
        return cls(msg, errors=[{"loc": list(loc), "msg": msg, "type": type_}])


class TooManyRequests(Problem):
    status, type_name, title = 429, "too-many-requests", "Too many requests"
    keep_writes = True


def not_found(resource: str, object_id: str) -> NotFound:
    return NotFound(f"No {resource} with id {object_id!r}.")
