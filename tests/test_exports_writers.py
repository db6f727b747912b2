"""The writers hold one page at a time: a chunk leaves per page read, and a list is read
through its own pages of bounded size, however long it is."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Sequence

from app.pagination import PageRequest
from app.services.exports import tabular
from app.services.exports.writers import csv_chunks


async def _pages(count: int) -> AsyncIterator[list[list[tabular.Cell]]]:
    for n in range(count):
        yield [[f"row {n}", n, n % 2 == 0, None]]


async def test_csv_sends_a_chunk_per_page() -> None:
    chunks = [c async for c in csv_chunks(["name", "n", "even", "empty"], _pages(3))]
    assert len(chunks) == 3
    text = b"".join(chunks).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "n", "even", "empty"],
        ["row 0", "0", "true", ""],
        ["row 1", "1", "false", ""],
        ["row 2", "2", "true", ""],
    ]
    assert "\r\n" in text  # RFC 4180 line ends


async def test_a_list_is_read_in_bounded_pages_until_the_end() -> None:
    asked: list[PageRequest] = []

    async def fetch(page: PageRequest) -> tuple[Sequence[int], str | None]:
        asked.append(page)
        start = int(page.cursor or 0)
        end = min(start + page.limit, 2500)
        return list(range(start, end)), (str(end) if end < 2500 else None)

    seen = [item async for items in tabular.all_pages(fetch, sort="-created_at") for item in items]
    assert seen == list(range(2500))
    assert [p.cursor for p in asked] == [None, "1000", "2000"]
    assert {p.limit for p in asked} == {tabular.EXPORT_BATCH}
    assert {p.sort for p in asked} == {"-created_at"}
