"""Content negotiation for lists: ``Accept: text/csv`` or the XLSX media type answers the
whole filtered, scoped list as a streamed file instead of a JSON page (``limit`` and
``cursor`` are then ignored). Used by every list route that offers exports."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from app.pagination import PageRequest
from app.services.exports import tabular
from app.services.exports.tabular import Fetch, Rows
from app.services.exports.writers import CSV_MEDIA, XLSX_MEDIA, csv_chunks, xlsx_chunks

_JSON_LIKE = ("application/json", "application/*", "*/*")

EXPORT_DESCRIPTION = (
    "A page of results as JSON; or, with `Accept: text/csv` (RFC 4180, UTF-8 with BOM) or "
    f"`Accept: {XLSX_MEDIA}`, every result matching the filters, as a streamed file whose "
    "columns are the item's fields (nested ones as `parent.child`, lists joined with `|`, "
    "external refs as `source:ref`)."
)

# The 200 answer's extra media types, for the OpenAPI document.
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": EXPORT_DESCRIPTION,
        "content": {
            CSV_MEDIA: {"schema": {"type": "string"}},
            XLSX_MEDIA: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


def requested_format(request: Request) -> str | None:
    """``csv``, ``xlsx`` or None (JSON): the first supported media type in ``Accept``."""
    for part in request.headers.get("accept", "").split(","):
        media = part.split(";", 1)[0].strip().lower()
        if media == CSV_MEDIA:
            return "csv"
        if media == XLSX_MEDIA:
            return "xlsx"
        if media in _JSON_LIKE:
            return None
    return None


def file_response(fmt: str, header: Sequence[str], rows: Rows, name: str) -> StreamingResponse:
    chunks: AsyncIterator[bytes]
    if fmt == "xlsx":
        chunks, media = xlsx_chunks(header, rows, title=name), XLSX_MEDIA
    else:
        chunks, media = csv_chunks(header, rows), f"{CSV_MEDIA}; charset=utf-8"
    return StreamingResponse(
        chunks,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


async def export_response(
    request: Request, schema: type[BaseModel], fetch: Fetch, name: str, *, sort: str
) -> StreamingResponse | None:
    """The file the caller asked for in ``Accept``, every page read through ``fetch`` (the
    list's own service call); None when JSON is wanted."""
    fmt = requested_format(request)
    if fmt is None:
        return None
    header, rows = await tabular.export(schema, fetch, sort=sort)
    return file_response(fmt, header, rows, name)


async def page_or_file(
    request: Request, schema: type[BaseModel], fetch: Fetch, name: str, page: PageRequest
) -> Any:
    """A paginated list's answer: the file asked for in ``Accept`` (every page, through
    ``fetch``), else the JSON page ``{"items", "next_cursor"}``."""
    exported = await export_response(request, schema, fetch, name, sort=page.sort)
    if exported is not None:
        return exported
    items, cursor = await fetch(page)
    return {"items": items, "next_cursor": cursor}


async def _once(items: Sequence[Any]) -> AsyncIterator[Sequence[Any]]:
    yield items


async def whole_or_file(
    request: Request, schema: type[BaseModel], items: Sequence[Any], answer: Any, name: str
) -> Any:
    """A list answered whole (no cursor: a catalogue, a calendar's days, a timeline): the
    file asked for in ``Accept`` holding ``items``, else the JSON ``answer``."""
    fmt = requested_format(request)
    if fmt is None:
        return answer
    validated = [schema.model_validate(item) for item in items]
    header, rows = await tabular.table(schema, _once(validated))
    return file_response(fmt, header, rows, name)
