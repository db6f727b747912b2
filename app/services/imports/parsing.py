"""Files as real tools write them, turned into rows of ``{header: text}``.

CSV comes from Excel in Windows-1252 with ``;`` as often as in UTF-8 (with or without BOM)
with ``,``; XLSX cells are typed (dates are dates). Every value leaves here as text or None,
so that the profiles see one shape whatever the file."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook

from app.errors import ValidationFailed

Row = dict[str, str | None]
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")


def fold(text: str) -> str:
    """Case- and accent-insensitive form: "Inès  LEFÈVRE" -> "ines lefevre"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().replace("_", " ").split())


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252, what Excel writes on French Windows."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") >= max(1, header.count(",")) else ","


def parse_csv(data: bytes) -> list[Row]:
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    lines = [line for line in reader]
    return _table(lines)


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_xlsx(data: bytes) -> list[Row]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ValidationFailed.on(["body", "file"], "Not a readable XLSX file.") from exc
    sheet = book.worksheets[0]
    lines = [[_cell(v) or "" for v in values] for values in sheet.iter_rows(values_only=True)]
    book.close()
    return _table(lines)


def _table(lines: list[list[str]]) -> list[Row]:
    """First non-empty line is the header; blank lines are skipped (Excel leaves some)."""
    lines = [line for line in lines if any((cell or "").strip() for cell in line)]
    if not lines:
        raise ValidationFailed.on(["body", "file"], "The file has no header line.")
    header = [(cell or "").strip() for cell in lines[0]]
    rows: list[Row] = []
    for line in lines[1:]:
        cells = [(c or "").strip() for c in line] + [""] * (len(header) - len(line))
        rows.append({name: (cells[i] or None) for i, name in enumerate(header) if name})
    return rows


def parse_file(data: bytes, filename: str | None) -> list[Row]:
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm")) or data[:2] == b"PK":
        return parse_xlsx(data)
    return parse_csv(data)


def parse_json_rows(rows: list[dict[str, Any]]) -> list[Row]:
    return [{str(key): _json_value(value) for key, value in row.items()} for row in rows]


def _json_value(value: Any) -> str | None:
    text = _cell(value)
    return (text.strip() or None) if text is not None else None


def parse_date(text: str) -> date:
    """``dd/mm/yyyy`` (also with dots or dashes) or ISO; raises ValueError otherwise."""
    if match := _DMY.match(text):
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
        return date(year, month, day)
    raise ValueError("expected a date as dd/mm/yyyy or yyyy-mm-dd")


def tidy_name(text: str) -> str:
    """"DUPONT" or "dupont" -> "Dupont", "jean-pierre" -> "Jean-Pierre"; mixed case is kept."""
    if text != text.upper() and text != text.lower():
        return text
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), text.lower())
