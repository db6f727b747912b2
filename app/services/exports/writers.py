"""CSV and XLSX writers fed page by page, so an export of any size holds one page in memory.

CSV follows RFC 4180 (comma, double quotes, CRLF) in UTF-8 with a byte order mark: Excel then
opens accents right, and every CSV library reads it. A cell Excel would run as a formula
(``=``, ``@``, ``+``/``-`` not followed by a number or phone) is prefixed with ``'``.

XLSX is a zip whose directory comes last, so it cannot be sent before it is complete:
openpyxl's write-only mode streams rows into a temporary file (memory stays bounded), which
is then sent in chunks and deleted."""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from collections.abc import AsyncIterator, Iterable, Sequence

import anyio
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from starlette.concurrency import run_in_threadpool

from app.services.exports.tabular import Cell

CSV_MEDIA = "text/csv"
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
_CHUNK = 64 * 1024
_NUMBER_OR_PHONE = re.compile(r"^[+-]?[0-9 ().-]*$")


def _safe(value: Cell) -> str:
    """Defuse spreadsheet formulas (CSV injection) without touching phones and numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if text[:1] in ("=", "@", "\t", "\r") or (
        text[:1] in ("+", "-") and not _NUMBER_OR_PHONE.match(text)
    ):
        return "'" + text
    return text


async def csv_chunks(
    header: Sequence[str], rows: AsyncIterator[Iterable[Sequence[Cell]]]
) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(header)
    async for batch in rows:
        writer.writerows([_safe(c) for c in cells] for cells in batch)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def _xlsx_cell(sheet: object, value: Cell) -> object:
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))  # type: ignore[arg-type]
        cell.data_type = "s"  # a leading "=" is text, never a formula
        return cell
    return value


async def xlsx_chunks(
    header: Sequence[str], rows: AsyncIterator[Iterable[Sequence[Cell]]], title: str
) -> AsyncIterator[bytes]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(header))
    async for batch in rows:
        for cells in batch:
            sheet.append([_xlsx_cell(sheet, c) for c in cells])
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        await run_in_threadpool(workbook.save, path)
        async with await anyio.open_file(path, "rb") as stream:
            while chunk := await stream.read(_CHUNK):
                yield chunk
    finally:
        os.unlink(path)
