"""Backward compatibility of the contract: what would break a client generated from the old one.

Breaking: a removed path or operation, a removed schema or property, a removed enum value, a
changed type, a newly required request field or query parameter. Additions are fine."""

from __future__ import annotations

from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")


def _ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _request_schemas(doc: dict[str, Any]) -> set[str]:
    names = set()
    for item in doc.get("paths", {}).values():
        for method in METHODS:
            content = item.get(method, {}).get("requestBody", {}).get("content", {})
            for media in content.values():
                name = _ref_name(media.get("schema", {}))
                if name:
                    names.add(name)
    return names


def _types(schema: dict[str, Any]) -> set[str]:
    """The JSON types a property may take (``anyOf`` flattened, refs by name)."""
    if "anyOf" in schema:
        return set().union(*(_types(s) for s in schema["anyOf"]))
    name = _ref_name(schema)
    if name:
        return {f"ref:{name}"}
    kind = schema.get("type")
    return {kind} if isinstance(kind, str) else set(kind or [])


def _enum(schema: dict[str, Any]) -> set[Any]:
    if "anyOf" in schema:
        return set().union(*(_enum(s) for s in schema["anyOf"]))
    return set(schema.get("enum", []))


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for path, item in old.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            new_op = new.get("paths", {}).get(path, {}).get(method)
            if new_op is None:
                problems.append(f"removed operation {method.upper()} {path}")
                continue
            old_params = {(p["in"], p["name"]) for p in item[method].get("parameters", [])}
            for param in new_op.get("parameters", []):
                key = (param["in"], param["name"])
                if param.get("required") and key not in old_params:
                    problems.append(f"new required parameter {key[1]} on {method.upper()} {path}")
    old_schemas = old.get("components", {}).get("schemas", {})
    new_schemas = new.get("components", {}).get("schemas", {})
    requests = _request_schemas(new)
    for name, schema in old_schemas.items():
        if name not in new_schemas:
            problems.append(f"removed schema {name}")
            continue
        current = new_schemas[name]
        for prop, old_prop in schema.get("properties", {}).items():
            new_prop = current.get("properties", {}).get(prop)
            if new_prop is None:
                problems.append(f"removed property {name}.{prop}")
                continue
            if _types(old_prop) - _types(new_prop):
                problems.append(f"changed type of {name}.{prop}")
            removed = _enum(old_prop) - _enum(new_prop) if _enum(new_prop) else set()
            if removed:
                problems.append(f"removed enum values {sorted(map(str, removed))} of {name}.{prop}")
        if set(schema.get("enum", [])) - set(current.get("enum", schema.get("enum", []))):
            problems.append(f"removed enum values of {name}")
        if name in requests:
            for field in set(current.get("required", [])) - set(schema.get("required", [])):
                problems.append(f"newly required request field {name}.{field}")
    return problems
