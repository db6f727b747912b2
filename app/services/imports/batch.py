"""The loop over a file's rows: build, spot duplicates, apply each row in a savepoint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.services.imports import apply
from app.services.imports import rows as row_data
from app.services.imports.matching import Index
from app.services.imports.profiles import MappedRow, Profile
from app.services.imports.writers import Writers

MAX_REPORT_LINES = 5000  # a file wrong on every line still gives a readable job
ProgressCallback = Callable[[int], Awaitable[None]]


async def apply_rows(
    session: AsyncSession,
    principal: Principal,
    profile: Profile,
    rows: list[MappedRow],
    *,
    on_progress: ProgressCallback | None = None,
    every: int = 500,
) -> apply.Outcome:
    """Check and write every row; never commits (the job decides what is kept)."""
    await _begin(session)
    outcome = apply.Outcome()
    index = await Index.load(session, principal.organisation_id, profile.source)
    writers = Writers()
    seen: dict[tuple[str, ...], int] = {}
    for done, row in enumerate(rows, 1):
        data, issues = row_data.build(profile, row)
        key = row_data.identity(row)
        if key in seen:
            issues.append(
                row_data.issue(
                    row, "learner.last_name",
                    f"Duplicate of row {seen[key]}: same learner and contract.",
                )
            )
        seen.setdefault(key, row.number)
        result = "rejected"
        if data is not None and not issues:
            try:
                async with session.begin_nested():
                    result = await apply.apply_row(
                        session, principal, profile, index, writers, row, data
                    )
                index.keep_staged()
                writers.keep()
            except apply.RowRejected as rejected:
                index.drop_staged()
                writers.drop()
                issues = rejected.issues
        outcome.counts[result] += 1
        _report(outcome.report, issues)
        if on_progress is not None and (done % every == 0 or done == len(rows)):
            await on_progress(done)
    await writers.trigger_alerts(session, principal)
    return outcome


async def _begin(session: AsyncSession) -> None:
    """pysqlite sends no BEGIN before a SAVEPOINT, and releasing that first savepoint would
    then commit the row at once: open the transaction explicitly so that it stays whole."""
    connection = await session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = await connection.get_raw_connection()
    if not getattr(raw.driver_connection, "in_transaction", True):
        await connection.exec_driver_sql("BEGIN")


def _report(report: list[dict[str, Any]], issues: list[dict[str, Any]]) -> None:
    room = MAX_REPORT_LINES - len(report)
    if room <= 0:
        return
    report.extend(issues[:room])
    if len(report) >= MAX_REPORT_LINES:
        report.append(
            {"row": None, "column": None, "value": None, "message": "Report truncated."}
        )
