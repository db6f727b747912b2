"""Files and calls shared by the import tests."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from openpyxl import Workbook
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, Company, Contract, ExternalRef, ImportJob, Learner
from app.models.base import utcnow
from tests.factories import Actor

FIXTURES = Path(__file__).parent / "fixtures"
ERP_FILE = FIXTURES / "erp_generic_cp1252.csv"
SIRET_A, SIRET_B = "73282932000074", "44202390900017"
ERP_HEADER = [
    "Nom", "Prénom", "Date de naissance", "INE", "SIRET", "Raison sociale", "Code apprenant",
    "Date de début de contrat", "Date de fin de contrat",
]


def erp_row(n: int, siret: str = SIRET_A, **changes: str) -> list[str]:
    row = {
        "Nom": f"DURAND{chr(65 + n)}", "Prénom": "Léa", "Date de naissance": "05/06/2007",
        "INE": "", "SIRET": siret, "Raison sociale": "Boulangerie Martin",
        "Code apprenant": f"L{n}", "Date de début de contrat": "01/09/2026",
        "Date de fin de contrat": "31/08/2028",
    }
    row.update(changes)
    return [row[h] for h in ERP_HEADER]


def csv_bytes(
    rows: list[list[str]], header: list[str] = ERP_HEADER, sep: str = ";",
    encoding: str = "cp1252",
) -> bytes:
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list[Any]], header: list[str] = ERP_HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def post_file(
    client: httpx.AsyncClient, actor: Actor, content: bytes, *, profile: str = "erp_generic",
    mode: str = "atomic", dry_run: bool = False, filename: str = "apprentis.csv",
) -> httpx.Response:
    return await client.post(
        "/api/v1/imports",
        headers=actor.headers,
        files={"file": (filename, content)},
        data={"profile": profile, "mode": mode, "dry_run": str(dry_run).lower()},
    )


async def import_file(
    client: httpx.AsyncClient, actor: Actor, content: bytes, **options: Any
) -> dict[str, Any]:
    """Post, then read the finished job (the background run is over when the call returns)."""
    response = await post_file(client, actor, content, **options)
    assert response.status_code == 202, response.text
    job = await client.get(response.headers["Location"], headers=actor.headers)
    assert job.status_code == 200, job.text
    body: dict[str, Any] = job.json()
    return body


async def table_counts(session: AsyncSession, organisation_id: str) -> dict[str, int]:
    await session.commit()  # end any earlier read: count what is committed now
    counts = {}
    for model in (Learner, Company, Contract, ExternalRef):
        counts[model.__tablename__] = await session.scalar(
            select(func.count()).select_from(model).where(
                model.organisation_id == organisation_id
            )
        ) or 0
    counts["audit_domain"] = await session.scalar(
        select(func.count()).select_from(AuditEvent).where(
            AuditEvent.organisation_id == organisation_id,
            AuditEvent.object_type.in_(("learner", "company", "contract")),
        )
    ) or 0
    return counts


async def age(session: AsyncSession, job_id: str, idle: timedelta) -> None:
    """As if the job's row had last been touched ``idle`` ago."""
    touched = utcnow() - idle
    stmt = update(ImportJob).where(ImportJob.id == job_id)
    await session.execute(stmt.values(updated_at=touched))
    await session.commit()
