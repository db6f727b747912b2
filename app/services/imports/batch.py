"""The loop over a file's rows: check each, plan a chunk, write the chunk in one savepoint.

A chunk of clean rows is written in a few batched statements. When a service refuses
something in a chunk, the chunk is rolled back and its rows are written again one by one,
each in its own savepoint, so that the report names the row and the column."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.models import (
    AuditEvent,
    Cohort,
    Company,
    Contract,
    ContractEvent,
    Enrolment,
    ExternalRef,
    Learner,
    Programme,
)
from app.services.imports import apply
from app.services.imports import rows as row_data
from app.services.imports.apply import Outcome, StepFailed
from app.services.imports.matching import Index
from app.services.imports.plan import plan_row
from app.services.imports.profiles import MappedRow, Profile
from app.services.imports.steps import Plan, RowRejected
from app.services.imports.writers import Writers

CHUNK = 500  # rows written together; also how often progress is reported
MAX_REPORT_LINES = 5000  # a file wrong on every line still gives a readable job
ProgressCallback = Callable[[int], Awaitable[None]]
CONFLICT = "Conflicts with data already in the organisation."
# The tables an import fills, and that the alert rules then read.
STATISTICS = (
    Learner, Company, Contract, ContractEvent, ExternalRef, Programme, Cohort, Enrolment,
    AuditEvent,
)
Issues = list[dict[str, Any]]


class _Run:
    def __init__(
        self, session: AsyncSession, principal: Principal, profile: Profile, index: Index
    ) -> None:
        self.session, self.principal, self.profile, self.index = session, principal, profile, index
        self.writers = Writers()
        self.outcome = Outcome()
        self.seen: dict[tuple[str, ...], int] = {}

    def check(self, row: MappedRow) -> tuple[row_data.RowData | None, Issues]:
        """The row as the API's input schemas, or what is wrong with it (also: a duplicate)."""
        data, issues = row_data.build(self.profile, row)
        key = row_data.identity(row)
        if key in self.seen:
            message = f"Duplicate of row {self.seen[key]}: same learner and contract."
            issues.append(row_data.issue(row, "learner.last_name", message))
        self.seen.setdefault(key, row.number)
        return (data if not issues else None), issues

    def plan(self, row: MappedRow, data: row_data.RowData) -> tuple[Plan | None, Issues]:
        mark = self.index.checkpoint()
        try:
            return plan_row(self.index, self.profile, row, data), []
        except RowRejected as rejected:
            self.index.undo(mark)
            return None, rejected.issues

    async def write(self, plans: list[Plan]) -> None:
        async with self.session.begin_nested():
            await apply.execute(self.session, self.principal, self.writers, plans)

    async def chunk(self, rows: list[MappedRow]) -> None:
        checked, issues = [], []
        for row in rows:
            data, found = self.check(row)
            if data is not None:
                checked.append((row, data))
            issues.extend(found)
        mark = self.index.checkpoint()
        plans, planned = [], []
        results: dict[int, str] = {}
        for row, data in checked:
            plan, found = self.plan(row, data)
            if plan is not None:
                plans.append(plan)
                planned.append((row, data))
            issues.extend(found)
        try:
            await self.write(plans)
            self.writers.keep()
            results = {plan.row.number: plan.outcome for plan in plans}
        except (StepFailed, IntegrityError):
            self.writers.drop()
            self.index.undo(mark)
            for row, data in planned:
                result, found = await self.one(row, data)
                results[row.number] = result
                issues.extend(found)
        for row in rows:
            self.outcome.counts[results.get(row.number, "rejected")] += 1
        self.index.settle()
        _report(self.outcome.report, sorted(issues, key=lambda i: i["row"]))

    async def one(self, row: MappedRow, data: row_data.RowData) -> tuple[str, Issues]:
        """One row in its own savepoint: written, or rejected with what the service said."""
        mark = self.index.checkpoint()
        plan, issues = self.plan(row, data)
        if plan is None:
            return "rejected", issues
        try:
            await self.write([plan])
        except (StepFailed, IntegrityError) as exc:
            self.writers.drop()
            self.index.undo(mark)
            if isinstance(exc, StepFailed):
                return "rejected", apply.problem_issues(row, exc)
            return "rejected", [row_data.issue(row, None, CONFLICT)]
        self.writers.keep()
        return plan.outcome, []


async def apply_rows(
    session: AsyncSession,
    principal: Principal,
    profile: Profile,
    rows: list[MappedRow],
    *,
    on_progress: ProgressCallback | None = None,
) -> Outcome:
    """Check and write every row; never commits (the job decides what is kept)."""
    await _begin(session)
    index = await Index.load(session, principal.organisation_id, profile.source)
    run = _Run(session, principal, profile, index)
    for number, start in enumerate(range(0, len(rows), CHUNK), 1):
        await run.chunk(rows[start : start + CHUNK])
        if on_progress is not None:
            await on_progress(min(start + CHUNK, len(rows)))
        written = sum(run.outcome.counts[k] for k in ("created", "updated"))
        if written and number & (number - 1) == 0:  # after chunks 1, 2, 4...: tables double
            await _refresh_statistics(session)
    if run.writers.kept:
        await _refresh_statistics(session)
        await run.writers.trigger_alerts(session, principal)
    return run.outcome


async def _refresh_statistics(session: AsyncSession) -> None:
    """PostgreSQL plans with the statistics the tables had before the import. On a first
    import they say "empty", and seeks by index become scans (external refs checked by
    ``ref IN (...)`` filtered row by row): the import turns quadratic and the alert rules run
    nested loops over 100,000 rows. ANALYZE inside the transaction counts its own new rows."""
    connection = await session.connection()
    if connection.dialect.name != "postgresql":
        return
    for model in STATISTICS:
        await connection.exec_driver_sql(f"ANALYZE {model.__tablename__}")


async def _begin(session: AsyncSession) -> None:
    """pysqlite sends no BEGIN before a SAVEPOINT, and releasing that first savepoint would
    then commit the row at once: open the transaction explicitly so that it stays whole."""
    connection = await session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = await connection.get_raw_connection()
    if not getattr(raw.driver_connection, "in_transaction", True):
        await connection.exec_driver_sql("BEGIN")


def _report(report: Issues, issues: Issues) -> None:
    room = MAX_REPORT_LINES - len(report)
    if room <= 0:
        return
    report.extend(issues[:room])
    if len(report) >= MAX_REPORT_LINES:
        report.append(
            {"row": None, "column": None, "value": None, "message": "Report truncated."}
        )
