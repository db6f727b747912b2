"""Read schemas as flat tables: one column per scalar field, nested objects spread into
``parent.child`` columns, lists joined with ``|`` (external refs as ``source:ref``).

Headers are the read schema's own field names, so an export is a file the ``relais`` import
profile reads back unchanged. Values are the JSON values as text (dates ISO 8601, booleans
``true``/``false``, null as an empty cell)."""

from __future__ import annotations

import json
import types
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from app.pagination import PageRequest

# Rows read from the database per query while exporting: bounds memory, not the result.
EXPORT_BATCH = 1000
LIST_SEPARATOR = "|"

Cell = str | int | float | bool | None


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model class of ``X``, ``X | None`` or ``Annotated[X, ...]``; None for anything else."""
    if get_origin(annotation) is Annotated:
        return _nested_model(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        models = [m for a in get_args(annotation) if (m := _nested_model(a)) is not None]
        return models[0] if len(models) == 1 else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def columns(schema: type[BaseModel]) -> list[str]:
    names: list[str] = []
    for name, field in schema.model_fields.items():
        nested = _nested_model(field.annotation)
        if nested is None:
            names.append(name)
        else:
            names += [f"{name}.{child}" for child in nested.model_fields]
    return names


def _text(value: Any) -> Cell:
    if isinstance(value, dict):
        if set(value) == {"source", "ref"}:
            return f"{value['source']}:{value['ref']}"
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(_text(v)) for v in value if v is not None)
    return value  # type: ignore[no-any-return]


def row(item: BaseModel | dict[str, Any], names: Sequence[str]) -> list[Cell]:
    data = item.model_dump(mode="json") if isinstance(item, BaseModel) else item
    cells: list[Cell] = []
    for name in names:
        parent, _, child = name.partition(".")
        value = data.get(parent)
        if child:
            value = value.get(child) if isinstance(value, dict) else None
        cells.append(_text(value))
    return cells


Fetch = Callable[[PageRequest], Awaitable[tuple[Sequence[Any], str | None]]]


async def all_pages(
    fetch: Fetch, *, sort: str = "created_at", batch: int = EXPORT_BATCH
) -> AsyncIterator[Sequence[Any]]:
    """Every page of a list, in order, through the list's own (scoped, filtered) query."""
    page = PageRequest(limit=batch, sort=sort)
    while True:
        items, cursor = await fetch(page)
        yield items
        if cursor is None:
            return
        page = replace(page, cursor=cursor)


Rows = AsyncIterator[list[list[Cell]]]


async def table(
    schema: type[BaseModel], pages: AsyncIterator[Sequence[Any]]
) -> tuple[list[str], Rows]:
    """Header and rows of a list. The first page is read now, so a refusal (403, 422) is
    answered as a problem before anything is sent; the others are read while sending."""
    names = columns(schema)
    first = await anext(pages, None)

    async def rows() -> Rows:
        if first is None:
            return
        yield [row(item, names) for item in first]
        async for items in pages:
            yield [row(item, names) for item in items]

    return names, rows()


async def export(
    schema: type[BaseModel], fetch: Fetch, *, sort: str = "created_at"
) -> tuple[list[str], Rows]:
    """A list that is not a ``Resource`` (users, alerts, audit log) as a flat table; ``fetch``
    reads one page through that list's own service function."""
    return await table(schema, all_pages(fetch, sort=sort))
