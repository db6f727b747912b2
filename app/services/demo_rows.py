"""The writer of the demo and benchmark data: a buffer of rows written with bulk inserts.

Rows go in with core ``insert()`` in batches: hundreds of thousands of rows load in seconds,
where the ORM unit of work would take minutes. Core inserts bypass the ORM's version counter and
column defaults, so every row gets ``version=1``, its organisation and timestamps here."""

from __future__ import annotations

import asyncio
import random
import unicodedata
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import (
    Cohort,
    Company,
    Contract,
    ContractEvent,
    Enrolment,
    FollowUpEntry,
    Learner,
    Programme,
    Tutor,
    User,
    cohort_referents,
)
from app.models.base import Entity

# Parents before children, so that a batch never breaks a foreign key.
TABLES: list[Table] = [
    *(cast(Table, m.__table__) for m in (User, Programme, Cohort)),
    cohort_referents,
    *(
        cast(Table, m.__table__)
        for m in (Company, Tutor, Learner, Enrolment, Contract, ContractEvent, FollowUpEntry)
    ),
]
BATCH_SIZE = 5000


class Rows:
    """Rows waiting to be inserted, written table by table in foreign-key order.

    A full batch goes to a writer task while the caller builds the next one: SQLite runs the
    inserts in its own thread, so drawing rows and writing them overlap. One batch is written
    at a time, whole, so a row's parents are always in before it."""

    def __init__(self, session: AsyncSession, organisation_id: str, now: datetime) -> None:
        self.session, self.organisation_id, self.now = session, organisation_id, now
        self.pending: dict[Table, list[dict[str, Any]]] = {t: [] for t in TABLES}
        # Every row of a table carries every column: executemany needs identical keys.
        self.blank = {t: {c.name: None for c in t.columns} for t in TABLES}
        self.size = 0
        self.counts: Counter[str] = Counter()
        self.writer: asyncio.Task[None] | None = None
        # Ids must differ between two data sets drawn from the same seed: not the seeded random.
        self.ids = random.Random()

    def new_id(self) -> str:
        """A random (version 4) UUID, drawn faster than ``uuid.uuid4()``."""
        h = f"{self.ids.getrandbits(128):032x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"

    def add(
        self,
        model: type[Entity],
        at: datetime | None = None,
        updated: datetime | None = None,
        **values: Any,
    ) -> str:
        table: Table = model.__table__  # type: ignore[assignment]
        created = min(at, self.now) if at is not None else self.now
        changed = max(created, min(updated, self.now)) if updated is not None else created
        row_id = self.new_id()
        row = self.blank[table] | values
        row |= {
            "id": row_id,
            "organisation_id": self.organisation_id,
            "version": 1,
            "created_at": created,
            "updated_at": changed,
        }
        self.pending[table].append(row)
        self.size += 1
        return row_id

    def link(self, table: Table, **values: Any) -> None:
        self.pending[table].append(values)
        self.size += 1

    async def maybe_flush(self) -> None:
        if self.size >= BATCH_SIZE:
            await self.settle()
            self.writer = asyncio.create_task(self._write(self._take()))
        elif self.writer is not None:
            await asyncio.sleep(0)  # let the writer move on

    async def flush(self) -> None:
        """Write everything added so far."""
        await self.settle()
        await self._write(self._take())

    async def settle(self) -> None:
        """Wait for the batch being written (call it before using the session otherwise)."""
        if self.writer is not None:
            writer, self.writer = self.writer, None
            await writer

    def _take(self) -> dict[Table, list[dict[str, Any]]]:
        batch, self.pending = self.pending, {t: [] for t in TABLES}
        self.size = 0
        return batch

    async def _write(self, batch: dict[Table, list[dict[str, Any]]]) -> None:
        for table, rows in batch.items():
            if rows:
                await self.session.execute(insert(table), rows)
                self.counts[table.name] += len(rows)


def at(day: date, rng: random.Random) -> datetime:
    """A plausible office-hours moment on ``day`` (UTC)."""
    return datetime.combine(day, time(7 + rng.randrange(10), rng.randrange(60)), tzinfo=UTC)


def days(n: int) -> timedelta:
    return timedelta(days=n)


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum() or c in ".-")
