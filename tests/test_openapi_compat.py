"""The compatibility checker catches what would break a generated client, and only that."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from app.openapi_compat import breaking_changes

ROOT = Path(__file__).resolve().parents[1]
BASE: dict[str, Any] = {
    "paths": {
        "/things": {
            "get": {"parameters": [{"in": "query", "name": "q", "required": False}]},
            "post": {
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ThingIn"}}
                    }
                }
            },
        }
    },
    "components": {
        "schemas": {
            "ThingIn": {"properties": {"name": {"type": "string"}}, "required": ["name"]},
            "Thing": {
                "properties": {
                    "name": {"type": "string"},
                    "status": {"type": "string", "enum": ["draft", "done"]},
                }
            },
        }
    },
}


def _changed(edit: Any) -> list[str]:
    new = copy.deepcopy(BASE)
    edit(new)
    return breaking_changes(BASE, new)


def test_additions_are_not_breaking() -> None:
    def add(doc: dict[str, Any]) -> None:
        doc["paths"]["/others"] = {"get": {}}
        doc["components"]["schemas"]["Thing"]["properties"]["extra"] = {"type": "integer"}
        doc["components"]["schemas"]["ThingIn"]["properties"]["note"] = {"type": "string"}

    assert _changed(add) == []


def test_removals_type_changes_and_new_requirements_are_breaking() -> None:
    schemas = "components", "schemas"
    assert _changed(lambda d: d["paths"]["/things"].pop("post"))
    assert _changed(lambda d: d[schemas[0]][schemas[1]]["Thing"]["properties"].pop("name"))
    assert _changed(
        lambda d: d[schemas[0]][schemas[1]]["Thing"]["properties"]["name"].update(type="integer")
    )
    assert _changed(
        lambda d: d[schemas[0]][schemas[1]]["Thing"]["properties"]["status"].update(enum=["done"])
    )
    assert _changed(
        lambda d: d[schemas[0]][schemas[1]]["ThingIn"].update(required=["name", "colour"])
    )
    assert _changed(
        lambda d: d["paths"]["/things"]["get"]["parameters"].append(
            {"in": "query", "name": "must", "required": True}
        )
    )


def test_the_contract_keeps_every_published_field() -> None:
    published = json.loads((ROOT / "openapi" / "published.json").read_text(encoding="utf-8"))
    current = json.loads((ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8"))
    assert breaking_changes(published, current) == []
