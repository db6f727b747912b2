"""What the organisation already holds, loaded once per import so that each row is matched
without a query: by the file's external reference first, then by natural keys (INE; last
name + first name + birth date, case and accents ignored; SIRET; learner + employer + start).

It also keeps the compared fields of every object (``snapshots``), so that an unchanged row
costs no query at all. Rows are planned before they are written: what a plan adds can be
undone back to a checkpoint when its rows are rolled back."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Cohort, Company, Contract, Enrolment, ExternalRef, Learner, Programme
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
    Contract.end_date, Contract.cohort_id, Contract.break_date,
)


def rncp_key(code: str | None) -> str | None:
    """"38362", "rncp 38362" and "RNCP38362" are one RNCP code."""
    if not code:
        return None
    bare = code.replace(" ", "").upper()
    return f"RNCP{bare}" if bare.isdigit() else bare


def name_key(last_name: str, first_name: str, birth_date: date | None) -> NameKey:
    return fold(last_name), fold(first_name), birth_date


class Index:
    def __init__(self) -> None:
        self.maps: dict[str, dict[Any, str]] = {
            name: {}
            for name in (
                "learner_ref", "learner_ine", "learner_name", "company_ref", "company_siret",
                "contract_ref", "contract_key", "programme_rncp", "programme_cfd",
                "programme_title", "cohort_key", "enrolment_key",
            )
        }
        self.snapshots: dict[str, dict[str, Any]] = {}
        # (map name or "snapshot", key, previous snapshot): what to take back on undo.
        self._undo: list[tuple[str, Any, Any]] = []

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
        await index._load_training(session, organisation_id)
        return index

    async def _load_training(self, session: AsyncSession, organisation_id: str) -> None:
        m = self.maps
        programmes = await session.execute(
            select(Programme.id, Programme.rncp_code, Programme.diploma_code, Programme.title)
            .where(Programme.organisation_id == organisation_id)
            .order_by(Programme.created_at)
        )
        for programme_id, rncp, cfd, title in programmes:
            m["programme_rncp"].setdefault(rncp_key(rncp), programme_id)
            m["programme_cfd"].setdefault(cfd, programme_id)
            m["programme_title"].setdefault(fold(title), programme_id)
        cohorts = await session.execute(
            select(Cohort.id, Cohort.programme_id, Cohort.name, Cohort.start_date)
            .where(Cohort.organisation_id == organisation_id)
            .order_by(Cohort.created_at)
        )
        for cohort_id, programme_id, name, start in cohorts:
            m["cohort_key"].setdefault((programme_id, fold(name)), cohort_id)
            self.snapshots[cohort_id] = {"start_date": start}
        enrolments = await session.execute(
            select(Enrolment.id, Enrolment.learner_id, Enrolment.cohort_id)
            .where(Enrolment.organisation_id == organisation_id)
            .order_by(Enrolment.created_at)
        )
        for enrolment_id, learner_id, cohort_id in enrolments:
            m["enrolment_key"].setdefault((learner_id, cohort_id), enrolment_id)

    def find(self, *lookups: tuple[str, Any]) -> str | None:
        """The first hit among ``(map, key)`` pairs, in order of trust."""
        for name, key in lookups:
            if key is not None and key in self.maps[name]:
                return self.maps[name][key]
        return None

    def add(self, name: str, key: Any, object_id: str) -> None:
        """Remember a new key; a key already known keeps its first object."""
        if key is not None and key not in self.maps[name]:
            self.maps[name][key] = object_id
            self._undo.append((name, key, None))

    def snapshot(self, object_id: str, values: dict[str, Any]) -> None:
        previous = self.snapshots.get(object_id)
        self._undo.append(("snapshot", object_id, previous))
        self.snapshots[object_id] = {**(previous or {}), **values}

    def checkpoint(self) -> int:
        return len(self._undo)

    def undo(self, checkpoint: int) -> None:
        """Forget what was added since ``checkpoint``: those rows were rolled back."""
        while len(self._undo) > checkpoint:
            name, key, previous = self._undo.pop()
            if name != "snapshot":
                del self.maps[name][key]
            elif previous is None:
                del self.snapshots[key]
            else:
                self.snapshots[key] = previous

    def settle(self) -> None:
        """The rows planned so far are written for good: nothing to undo before here."""
        self._undo.clear()
