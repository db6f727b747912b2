"""Reading exported files back: CSV with the csv module, XLSX with openpyxl."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
from openpyxl import load_workbook

CSV = {"Accept": "text/csv"}
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX = {"Accept": XLSX_MEDIA}


def csv_rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8 right
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX_MEDIA
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    header = [str(h) for h in values[0]]
    # Empty trailing cells are not written, so a row may be shorter than the header.
    padded = [tuple(row) + (None,) * (len(header) - len(row)) for row in values[1:]]
    return [dict(zip(header, row, strict=True)) for row in padded]


def with_auth(headers: dict[str, str], accept: dict[str, str]) -> dict[str, str]:
    return {**headers, **accept}


async def json_items(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], **params: str
) -> list[dict[str, Any]]:
    """Every item of a JSON list, following ``next_cursor`` (absent from unpaginated lists)."""
    items: list[dict[str, Any]] = []
    query: dict[str, str] = dict(params)
    while True:
        response = await client.get(url, params=query, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        if not body.get("next_cursor"):
            return items
        query["cursor"] = body["next_cursor"]
