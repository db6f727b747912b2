"""The committed contract equals what the app serves, and says what integrators need."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from fastapi import FastAPI

from app.cli import openapi_document

COMMITTED = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"
METHODS = {"get", "post", "put", "patch", "delete"}


def _operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (path, method, op)
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


async def test_committed_contract_equals_the_served_one(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    served = (await client.get("/openapi.json")).json()
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert committed == served, "openapi/openapi.json is stale: run `relais openapi export`"
    assert COMMITTED.read_text(encoding="utf-8") == openapi_document()


def test_every_operation_is_named_tagged_summarised_and_documents_problems() -> None:
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    ids = []
    for path, method, op in _operations(schema):
        where = f"{method.upper()} {path}"
        assert op.get("operationId"), where
        assert op.get("summary"), where
        assert op.get("tags"), where
        ids.append(op["operationId"])
        if path.startswith("/api/v1"):
            for code in ("401", "422", "500"):
                if path == "/api/v1/auth/token" and code == "401":
                    continue
                content = op["responses"][code]["content"]
                assert list(content) == ["application/problem+json"], f"{where} {code}"
    assert len(ids) == len(set(ids)), "operationIds must be unique"


def test_request_bodies_have_examples() -> None:
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    components = schema["components"]["schemas"]
    for path, method, op in _operations(schema):
        body = op.get("requestBody", {}).get("content", {}).get("application/json")
        if not body:
            continue
        ref = body["schema"].get("$ref", "")
        target = components[ref.rsplit("/", 1)[-1]] if ref else body["schema"]
        assert target.get("examples") or body.get("example"), f"{method.upper()} {path}"


async def test_docs_are_served_without_a_cdn(client: httpx.AsyncClient) -> None:
    for page in ("/docs", "/redoc"):
        html = (await client.get(page)).text
        assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html
    asset = await client.get("/static-offline-docs/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.content) > 100_000
