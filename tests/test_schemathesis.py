"""Property-based contract testing: schemathesis calls every operation of the committed
schema against the app, authenticated as an admin, and finds no server error and no answer
that breaks the schema."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from app.core.config import Settings
from app.main import create_app
from tests.factories import World

CONTRACT = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"
DOCUMENT = json.loads(CONTRACT.read_text(encoding="utf-8"))
OPERATIONS = sorted(
    f"{method.upper()} {path}"
    for path, item in DOCUMENT["paths"].items()
    for method in item
    if method in {"get", "post", "put", "patch", "delete"}
)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
EXAMPLES = int(os.environ.get("RELAIS_SCHEMATHESIS_EXAMPLES", "15"))


@pytest.fixture(scope="session")
async def contract(settings: Settings) -> AsyncIterator[Any]:
    # Schemathesis drives the app from event loops of its own: an app of its own, without a
    # connection pool (``settings`` has NullPool), on the same database as the shared one.
    app = create_app(settings)
    schema = schemathesis.openapi.from_dict(DOCUMENT)
    schema.app = app  # in-process, against the committed contract
    yield schema
    await app.state.engine.dispose()


@pytest.mark.parametrize("label", OPERATIONS)
def test_operation_honours_the_contract(label: str, contract: Any, world: World) -> None:
    operation = contract.find_operation_by_label(label)
    assert operation is not None
    headers = {"Authorization": f"Bearer {world.admin.token}"}

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()
