"""Reading one cell of a mapped row, and saying what is wrong with it (a report line)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError

from app.services.imports.parsing import parse_date
from app.services.imports.profiles import MappedRow


def issue(row: MappedRow, target: str | None, message: str) -> dict[str, Any]:
    column = row.columns.get(target) if target else None
    value = row.values.get(target) if target else None
    return {"row": row.number, "column": column, "value": value, "message": message}


def read_date(row: MappedRow, target: str, issues: list[dict[str, Any]]) -> date | None:
    text = row.values.get(target)
    if text is None:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        issues.append(issue(row, target, str(exc)))
        return None


def validate(
    schema: type[BaseModel], payload: dict[str, Any], row: MappedRow, prefix: str,
    issues: list[dict[str, Any]],
) -> Any:
    try:
        return schema.model_validate(payload)
    except ValidationError as exc:
        for error in exc.errors():
            target = f"{prefix}.{error['loc'][0]}" if error["loc"] else None
            message = str(error["msg"]).removeprefix("Value error, ")
            issues.append(issue(row, target, message))
        return None
