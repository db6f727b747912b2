"""Benchmark: exporting every learner as CSV through the API, on a small and a large
organisation, against paging through the same list as JSON.

    .venv/bin/python bench/exports.py --learners 100000 [--database-url URL]

Generates two organisations (``relais demo generate``): one of N/10 learners, one of N. For
each, a coordinator asks ``GET /api/v1/learners`` with ``Accept: text/csv``; the request goes
through the whole app (authentication, scope, the list's own query, the CSV writer), driven
as ASGI with a client that counts the bytes and drops them, as a socket would. Measured:
  * time, against walking the same list as JSON pages of 500 (the API's largest page), the
    baseline an integrator would otherwise script;
  * peak Python memory (tracemalloc) during the export, against the peak of reading the same
    learners into memory at once (what an export that is not streamed would hold at least).
Streaming holds when the export's peak stays flat from N/10 to N learners."""

from __future__ import annotations

import asyncio
import json
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import harness  # bench/harness.py: run as a script, bench/ is on the path
from sqlalchemy import select

from app.core.config import Settings
from app.core.security import create_access_token
from app.main import create_app
from app.models import Learner, User
from app.services.demo_generate import generate

Measured = tuple[float, int, Any]


@dataclass
class Answer:
    status: int = 0
    size: int = 0
    chunks: list[bytes] = field(default_factory=list)


async def _get(app: Any, path: str, token: str, accept: str, keep: bool = False) -> Answer:
    """One GET through the ASGI app, the body counted (and kept only if ``keep``)."""
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": raw_path, "raw_path": raw_path.encode(),
        "query_string": query.encode(), "root_path": "", "client": ("127.0.0.1", 1),
        "server": ("bench", 80),
        "headers": [(b"authorization", f"Bearer {token}".encode()),
                    (b"accept", accept.encode()), (b"host", b"bench")],
    }
    answer = Answer()
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)  # the client stays connected until the answer ends
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer.status = message["status"]
        elif message["type"] == "http.response.body":
            body = message.get("body", b"")
            answer.size += len(body)
            if keep:
                answer.chunks.append(body)

    await app(scope, receive, send)
    assert answer.status == 200, (path, answer.status)
    return answer


async def export_csv(app: Any, token: str) -> int:
    return (await _get(app, "/api/v1/learners", token, "text/csv")).size


async def json_pages(app: Any, token: str) -> tuple[int, int]:
    path, size, pages = "/api/v1/learners?limit=500", 0, 0
    while True:
        answer = await _get(app, path, token, "application/json", keep=True)
        page = json.loads(b"".join(answer.chunks))
        size, pages = size + answer.size, pages + 1
        if not page["next_cursor"]:
            return size, pages
        path = f"/api/v1/learners?limit=500&cursor={page['next_cursor']}"


async def _measure(work: Callable[[], Awaitable[Any]]) -> Measured:
    """Seconds (without tracing), then peak traced bytes (a second run, traced)."""
    started = time.perf_counter()
    value = await work()
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    await work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak, value


async def bench(url: str, learners: int) -> None:
    settings = Settings(database_url=url, log_level="WARNING")
    app = create_app(settings)
    sessions = app.state.sessionmaker
    print(f"{'learners':>9} | {'CSV export':>22} | {'JSON pages of 500':>22} | "
          f"{'CSV peak':>9} | {'all rows read at once':>21}")
    for size in (max(1, learners // 10), learners):
        async with sessions() as session:
            generated = await generate(session, size, f"Bench exports {size} {time.time_ns()}")
            await session.commit()
            admin = await session.scalar(select(User).where(User.email == generated.admin_email))
            assert admin is not None
        token, _ = create_access_token(
            settings, subject=admin.id, organisation_id=admin.organisation_id,
            roles=list(admin.roles),
        )

        async def read_all(org: str = generated.organisation_id) -> int:
            async with sessions() as session:
                rows = (await session.scalars(
                    select(Learner).where(Learner.organisation_id == org))).all()
                return len(rows)

        await export_csv(app, token)  # warm-up: caches, statistics
        csv_s, csv_peak, csv_bytes = await _measure(partial(export_csv, app, token))
        json_s, _, (json_bytes, pages) = await _measure(partial(json_pages, app, token))
        _, all_peak, count = await _measure(read_all)
        print(
            f"{size:>9,} | {csv_s:6.1f} s {size / csv_s:7,.0f} rows/s | "
            f"{json_s:6.1f} s {json_s / csv_s:4.1f}x CSV | {csv_peak / 1e6:6.1f} MB | "
            f"{all_peak / 1e6:6.1f} MB ({all_peak / csv_peak:4.1f}x CSV)", flush=True,
        )
        assert count == size, (count, size)
        print(f"{'':>9}   CSV {csv_bytes / 1e6:.1f} MB; JSON {json_bytes / 1e6:.1f} MB in "
              f"{pages} pages", flush=True)
    await app.state.engine.dispose()


if __name__ == "__main__":
    harness.main(bench, size="learners", default=100_000)
