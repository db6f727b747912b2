"""What the organisation already holds, loaded once per import so that each row is matched
without a query: by the file's external reference first, then by natural keys (INE; last
name + first name + birth date, case and accents ignored; SIRET; learner + employer + start).

It also keeps the compared fields of every object (``snapshots``), so that an unchanged row
costs no query at all. Rows written inside a savepoint are staged and only kept once their
savepoint is released."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Company, Contract, ExternalRef, Learner
from app.services.imports.parsing import fold

NameKey = tuple[str, str, date | None]
# The fields an import compares: what a file can change.
LEARNER_FIELDS = (
    Learner.last_name, Learner.first_name, Learner.birth_date, Learner.ine, Learner.email,
    Learner.phone,
)
COMPANY_FIELDS = (Company.name, Company.siret)
CONTRACT_FIELDS = (
    Contract.kind, Contract.learner_id, Contract.company_id, Contract.start_date,
    Contract.end_date,
)


def name_key(last_name: str, first_name: str, birth_date: date | None) -> NameKey:
    return fold(last_name), fold(first_name), birth_date


class Index:
    def __init__(self) -> None:
        self.maps: dict[str, dict[Any, str]] = {
            name: {}
            for name in (
                "learner_ref", "learner_ine", "learner_name", "company_ref", "company_siret",
                "contract_ref", "contract_key",
            )
        }
        self.snapshots: dict[str, dict[str, Any]] = {}
        self._staged: list[tuple[str, Any, Any]] = []

    @classmethod
    async def load(cls, session: AsyncSession, organisation_id: str, source: str) -> Index:
        index = cls()
        m = index.maps
        refs = await session.execute(
            select(ExternalRef.resource, ExternalRef.ref, ExternalRef.object_id).where(
                ExternalRef.organisation_id == organisation_id, ExternalRef.source == source
            )
        )
        for resource, ref, object_id in refs:
            if f"{resource}_ref" in m:
                m[f"{resource}_ref"][ref] = object_id
        learners = await session.execute(
            select(Learner.id, *LEARNER_FIELDS).where(Learner.organisation_id == organisation_id)
        )
        for row in learners.mappings():
            index.snapshots[row["id"]] = dict(row)
            key = name_key(row["last_name"], row["first_name"], row["birth_date"])
            m["learner_name"].setdefault(key, row["id"])
            if row["ine"]:
                m["learner_ine"].setdefault(row["ine"].upper(), row["id"])
        companies = await session.execute(
            select(Company.id, *COMPANY_FIELDS).where(Company.organisation_id == organisation_id)
        )
        for row in companies.mappings():
            index.snapshots[row["id"]] = dict(row)
            if row["siret"]:
                m["company_siret"][row["siret"]] = row["id"]
        contracts = await session.execute(
            select(Contract.id, *CONTRACT_FIELDS)
            .where(Contract.organisation_id == organisation_id)
            .order_by(Contract.created_at)
        )
        for row in contracts.mappings():
            index.snapshots[row["id"]] = dict(row)
            key = (row["learner_id"], row["company_id"], row["start_date"])
            m["contract_key"].setdefault(key, row["id"])
        return index

    def find(self, *lookups: tuple[str, Any]) -> str | None:
        """The first hit among ``(map, key)`` pairs, in order of trust."""
        for name, key in lookups:
            if key is not None and key in self.maps[name]:
                return self.maps[name][key]
        return None

    def stage(self, name: str, key: Any, object_id: str) -> None:
        if key is not None:
            self._staged.append((name, key, object_id))

    def stage_snapshot(self, object_id: str, values: dict[str, Any]) -> None:
        self._staged.append(("snapshot", object_id, values))

    def keep_staged(self) -> None:
        for name, key, value in self._staged:
            if name == "snapshot":
                self.snapshots[key] = {**self.snapshots.get(key, {}), **value}
            else:
                self.maps[name].setdefault(key, value)
        self._staged.clear()

    def drop_staged(self) -> None:
        self._staged.clear()
