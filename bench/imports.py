"""Benchmark: importing N learner+contract rows (an ERP's French CSV) on SQLite or PostgreSQL.

    .venv/bin/python bench/imports.py --rows 100000 [--database-url URL]

Into a fresh database, times:
  * baseline: a bare bulk insert of the same rows (N learners, N/3 companies, N contracts;
    Core executemany, no validation, no matching, no audit) into an organisation of its own;
  * import: the same rows as a Windows-1252 ``;`` file through the import job (parsing,
    validation by the API's schemas, matching, the services' writes with audit log, external
    refs, contract events, one savepoint per row, alert rules), one transaction;
  * re-import: the same file again, which must leave every row unchanged.
Reported as rows per second and as a ratio to the baseline, so that machines compare."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import harness  # bench/harness.py: run as a script, bench/ is on the path
from sqlalchemy import insert
from stdnum import luhn

from app.core.config import Settings
from app.core.db import make_engine, make_sessionmaker
from app.core.principal import Principal
from app.models import Company, Contract, Learner, Role
from app.services import organisations
from app.services.imports import apply, batch, jobs, writers

PHASES: dict[str, float] = {}


def _phase(owner: Any, name: str, label: str) -> None:
    """Time every call of ``owner.name`` under ``label`` (where an import spends its time)."""
    real = getattr(owner, name)

    async def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await real(*args, **kwargs)
        finally:
            PHASES[label] = PHASES.get(label, 0.0) + time.perf_counter() - started

    setattr(owner, name, timed)


def _print_phases(total: float) -> None:
    parts = ", ".join(f"{k} {v:.1f} s ({v / total:.0%})" for k, v in PHASES.items())
    print(f"    of which: {parts}")
    PHASES.clear()

HEADER = (
    "Nom;Prénom;Date de naissance;Code apprenant;SIRET;Raison sociale;Code entreprise;"
    "Type de contrat;Date de début de contrat;Date de fin de contrat;Code contrat"
)


def siret(n: int) -> str:
    siren = next(s for s in (f"{n:08d}{d}" for d in range(10)) if luhn.is_valid(s))
    return next(s for s in (f"{siren}0001{d}" for d in range(10)) if luhn.is_valid(s))


def dataset(rows: int) -> list[dict[str, Any]]:
    companies = [siret(10_000_000 + i) for i in range(max(1, rows // 3))]
    out = []
    for i in range(rows):
        born = date(2004, 1, 1) + timedelta(days=i % 1500)
        start = date(2026, 9, 1) + timedelta(days=i % 30)
        out.append(
            {
                "last_name": f"Nom{i:06d}", "first_name": "Élève", "birth_date": born,
                "ref": f"A{i}", "siret": companies[i % len(companies)],
                "company": f"Entreprise {i % len(companies)}", "start": start,
                "end": start + timedelta(days=729),
            }
        )
    return out


def as_csv(data: list[dict[str, Any]]) -> bytes:
    lines = [HEADER]
    for r in data:
        lines.append(
            f"{r['last_name'].upper()};{r['first_name']};{r['birth_date']:%d/%m/%Y};{r['ref']};"
            f"{r['siret'][:9]} {r['siret'][9:]};{r['company']};E{r['siret']};Apprentissage;"
            f"{r['start']:%d/%m/%Y};{r['end']:%d/%m/%Y};C{r['ref']}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _base(organisation_id: str, now: datetime) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()), "organisation_id": organisation_id, "created_at": now,
        "updated_at": now, "version": 1,
    }


async def bulk_insert(sessions: Any, organisation_id: str, data: list[dict[str, Any]]) -> None:
    now = datetime.now(UTC)
    companies: dict[str, dict[str, Any]] = {}
    learners, contracts = [], []
    for r in data:
        company = companies.setdefault(
            r["siret"],
            {**_base(organisation_id, now), "name": r["company"], "siret": r["siret"],
             "contacts": [], "sensitive": False},
        )
        learner = {
            **_base(organisation_id, now), "last_name": r["last_name"],
            "first_name": r["first_name"], "birth_date": r["birth_date"], "needs": [],
            "fragile": False,
        }
        learners.append(learner)
        contracts.append(
            {
                **_base(organisation_id, now), "kind": "apprenticeship",
                "learner_id": learner["id"], "company_id": company["id"],
                "start_date": r["start"], "end_date": r["end"], "status": "draft", "sites": [],
            }
        )
    async with sessions() as session:
        for model, values in (
            (Company, list(companies.values())), (Learner, learners), (Contract, contracts)
        ):
            for chunk in range(0, len(values), 5000):
                await session.execute(insert(model.__table__), values[chunk : chunk + 5000])
        await session.commit()


async def run_import(sessions: Any, principal: Principal, content: bytes) -> Any:
    async with sessions() as session:
        job, rows = await jobs.submit(
            session, principal, profile="erp_generic", mode="atomic", dry_run=False,
            filename="bench.csv", content=content,
        )
        await session.commit()
    return await jobs.run(sessions, job.id, principal, rows)


async def _timed(label: str, rows: int, work: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    value = await work
    elapsed = time.perf_counter() - started
    print(f"  {label:<30} {elapsed:8.2f} s  {rows / elapsed:10,.0f} rows/s", flush=True)
    return elapsed, value


async def bench(url: str, rows: int) -> None:
    engine = make_engine(Settings(database_url=url))
    sessions = make_sessionmaker(engine)
    data = dataset(rows)
    content = as_csv(data)
    print(f"{rows:,} rows, file of {len(content) / 1e6:.1f} MB")
    async with sessions() as session:
        run_id = uuid.uuid4().hex[:8]  # new organisations: a reused database starts empty
        baseline_org = (await organisations.ensure(session, f"Bench bulk {run_id}")).id
        import_org = (await organisations.ensure(session, f"Bench import {run_id}")).id
        await session.commit()
    principal = Principal(
        kind="system", id="system", organisation_id=import_org, roles=frozenset({Role.admin})
    )
    base, _ = await _timed(
        "baseline: bare bulk insert", rows, bulk_insert(sessions, baseline_org, data)
    )
    _phase(jobs, "submit", "reading the file")
    _phase(apply, "execute", "writing rows")
    _phase(writers.Writers, "trigger_alerts", "alert rules")
    _phase(batch.Index, "load", "loading the index")
    first, job = await _timed("import (creates)", rows, run_import(sessions, principal, content))
    print(f"    {job.status}: {job.counts}")
    _print_phases(first)
    again, job2 = await _timed(
        "re-import (unchanged)", rows, run_import(sessions, principal, content)
    )
    print(f"    {job2.status}: {job2.counts}")
    _print_phases(again)
    await engine.dispose()
    print(
        f"ratios to the bare bulk insert: import {first / base:.1f}x, "
        f"re-import {again / base:.1f}x"
    )


if __name__ == "__main__":
    harness.main(bench, size="rows", default=100_000)
