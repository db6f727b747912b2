"""The national dashboard's learner records (TDB effectifs), read in batches.

Choices where the dashboard leaves room (documented in the OpenAPI description too):
* a school year runs from 1 August to 31 July; a record is an enrolment overlapping it;
* ``date_inscription_formation`` = ``date_entree_formation`` = the enrolment's start (Relais
  records no separate registration date); ``date_fin_formation`` its end, else the cohort's;
* ``statut_apprenant`` is the derived status on today's date, kept inside the school year:
  under contract or completed → 3 (apprenti); dropped out → 0 (abandon); referred, seeking an
  employer and between contracts (the dashboard's *rupturant*, which it infers itself from
  ``contrat_date_rupture``) → 2 (inscrit);
* contracts are the learner's concluded ones (signed, filed, registered, broken, completed),
  except those tied to another cohort, in start order;
* ``id_erp_apprenant`` is the learner's external ref (from ``source`` if given, else the
  first by source name), else Relais's id.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import Principal
from app.errors import Forbidden, ValidationFailed
from app.models import Cohort, Company, Contract, Enrolment, Learner, Organisation, Programme, Role
from app.schemas.common import ExternalRefOut
from app.schemas.tdb_effectif import TdbRecord
from app.services import external_refs, learner_status
from app.services.exports.tabular import EXPORT_BATCH
from app.services.learner_status import HAPPENED, LearnerStatus
from app.services.organisations import local_today

EXPORTERS = frozenset({Role.admin, Role.coordinator, Role.staff})
MAX_CONTRACTS = 4
STATUS_CODES = {
    LearnerStatus.under_contract: 3,
    LearnerStatus.completed: 3,
    LearnerStatus.dropped_out: 0,
    LearnerStatus.referred: 2,
    LearnerStatus.enrolled_seeking: 2,
    LearnerStatus.between_contracts: 2,
}

Batches = AsyncIterator[list[TdbRecord]]


def school_year(value: str | None, today: date) -> tuple[str, date, date]:
    """``"2026-2027"`` → its first and last days; None → the school year of ``today``."""
    if value is None:
        start = today.year if today.month >= 8 else today.year - 1
        value = f"{start}-{start + 1}"
    first, _, second = value.partition("-")
    if not (first.isdigit() and second.isdigit() and int(second) == int(first) + 1):
        raise ValidationFailed.on(
            ["query", "annee_scolaire"], "Expected two consecutive years, like 2026-2027."
        )
    return value, date(int(first), 8, 1), date(int(second), 7, 31)


async def export(
    session: AsyncSession, principal: Principal, annee_scolaire: str | None, source: str | None
) -> tuple[str, Batches]:
    """Check who asks and the year now (a problem, not a broken file); read rows lazily."""
    if not principal.has_any(EXPORTERS):
        raise Forbidden("Only admins, coordinators and staff export to the national dashboard.")
    today = await local_today(session, principal.organisation_id)
    year, first, last = school_year(annee_scolaire, today)
    as_of = min(max(today, first), last)
    organisation = await session.get(Organisation, principal.organisation_id)
    assert organisation is not None
    return year, _batches(session, organisation, year, first, last, as_of, source)


async def _batches(
    session: AsyncSession,
    organisation: Organisation,
    year: str,
    first: date,
    last: date,
    as_of: date,
    source: str | None,
) -> Batches:
    ends = func.coalesce(Enrolment.end_date, Cohort.end_date)
    stmt = (
        select(Enrolment, Learner, Cohort, Programme)
        .join(Learner, Learner.id == Enrolment.learner_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Programme, Programme.id == Cohort.programme_id)
        .where(
            Enrolment.organisation_id == organisation.id,
            Enrolment.start_date <= last,
            or_(ends.is_(None), ends >= first),
        )
        .order_by(Enrolment.id)
        .limit(EXPORT_BATCH)
    )
    after: str | None = None
    while True:
        page = stmt if after is None else stmt.where(Enrolment.id > after)
        rows = (await session.execute(page)).all()
        if not rows:
            return
        yield await _records(session, organisation, rows, year, as_of, source)
        if len(rows) < EXPORT_BATCH:
            return
        after = rows[-1][0].id


async def _records(
    session: AsyncSession,
    organisation: Organisation,
    rows: Sequence[Any],  # (Enrolment, Learner, Cohort, Programme)
    year: str,
    as_of: date,
    source: str | None,
) -> list[TdbRecord]:
    ids = list({learner.id for _, learner, _, _ in rows})
    refs = await external_refs.for_objects(session, "learner", ids)
    enrolments, facts = await learner_status.load_histories(session, organisation.id, ids)
    contracts: dict[str, list[tuple[Contract, str | None]]] = defaultdict(list)
    for contract, siret in await session.execute(
        select(Contract, Company.siret)
        .join(Company, Company.id == Contract.company_id)
        .where(Contract.learner_id.in_(ids), Contract.status.in_([s.value for s in HAPPENED]))
        .order_by(Contract.start_date, Contract.id)
    ):
        contracts[contract.learner_id].append((contract, siret))
    records = []
    for enrolment, learner, cohort, programme in rows:
        status = learner_status.derive_status(
            enrolments.get(learner.id, []), facts.get(learner.id, []), as_of
        )
        values: dict[str, Any] = {
            "nom_apprenant": learner.last_name,
            "prenom_apprenant": learner.first_name,
            "date_de_naissance_apprenant": learner.birth_date,
            "annee_scolaire": year,
            "id_erp_apprenant": _erp_id(learner.id, refs.get(learner.id, []), source),
            "ine_apprenant": learner.ine,
            "email_contact": learner.email,
            "tel_apprenant": learner.phone,
            "date_inscription_formation": enrolment.start_date,
            "date_entree_formation": enrolment.start_date,
            "date_fin_formation": enrolment.end_date or cohort.end_date,
            "etablissement_responsable_uai": organisation.uai,
            "etablissement_responsable_siret": organisation.siret,
            "etablissement_formateur_uai": organisation.uai,
            "etablissement_formateur_siret": organisation.siret,
            "formation_rncp": programme.rncp_code,
            "formation_cfd": programme.diploma_code,
            "statut_apprenant": STATUS_CODES[status],
        }
        mine = [c for c in contracts[learner.id] if c[0].cohort_id in (None, cohort.id)]
        for n, (contract, siret) in enumerate(mine[:MAX_CONTRACTS], start=1):
            suffix = "" if n == 1 else f"_{n}"
            values[f"contrat_date_debut{suffix}"] = contract.start_date
            values[f"contrat_date_fin{suffix}"] = contract.end_date
            values[f"contrat_date_rupture{suffix}"] = contract.break_date
            values[f"cause_rupture_contrat{suffix}"] = (
                contract.break_reason or contract.break_initiator
            )
            values[f"siret_employeur{suffix}"] = siret
        records.append(TdbRecord.model_validate(values))
    return records


def _erp_id(learner_id: str, refs: list[ExternalRefOut], source: str | None) -> str:
    chosen = [r for r in refs if source is None or r.source == source]
    return chosen[0].ref if chosen else learner_id


async def json_chunks(year: str, batches: Batches) -> AsyncIterator[bytes]:
    """``{"annee_scolaire": ..., "items": [...]}`` written record by record."""
    yield ('{"annee_scolaire":' + json.dumps(year) + ',"items":[').encode()
    separator = ""
    async for records in batches:
        for record in records:
            yield (separator + record.model_dump_json()).encode()
            separator = ","
    yield b"]}"
