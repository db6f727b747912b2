"""Exports in other systems' formats: the national apprenticeship dashboard's learner records.
(Every list also exports itself as CSV or XLSX: see ``app.routers.export_formats``.)
No ``from __future__ import annotations``: FastAPI reads these signatures at runtime."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from app.deps import CurrentPrincipal, SessionDep
from app.routers.export_formats import file_response, requested_format
from app.routing import UnitOfWorkRoute
from app.schemas.tdb_effectif import TdbEffectifs, TdbRecord
from app.services.exports import tabular, tdb
from app.services.exports.writers import CSV_MEDIA, XLSX_MEDIA

router = APIRouter(prefix="/api/v1/exports", tags=["exports"], route_class=UnitOfWorkRoute)


@router.get(
    "/tdb-effectifs",
    operation_id="export_tdb_effectifs",
    summary="Learner records for the national apprenticeship dashboard (TDB effectifs)",
    response_model=TdbEffectifs,
    responses={
        200: {
            "description": "Every record of the school year: JSON, or the same fields as CSV "
            "(`Accept: text/csv`) or XLSX columns.",
            "content": {
                CSV_MEDIA: {"schema": {"type": "string"}},
                XLSX_MEDIA: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
async def export_tdb_effectifs(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    annee_scolaire: Annotated[
        str | None,
        Query(
            pattern=r"^[0-9]{4}-[0-9]{4}$",
            description="School year (1 August to 31 July); the current one by default.",
            examples=["2026-2027"],
        ),
    ] = None,
    source: Annotated[
        str | None,
        Query(
            max_length=50,
            pattern=r"^[a-z0-9_.-]+$",
            description="Take `id_erp_apprenant` from this source's external refs.",
        ),
    ] = None,
) -> Any:
    """Admins, coordinators and staff. One record per learner and training in the school
    year, read in batches; `statut_apprenant` is 0 abandon, 2 inscrit, 3 apprenti (a
    *rupturant* is 2 with `contrat_date_rupture`). Status, dates and identifiers are derived
    as described in the `TdbRecord` schema's fields."""
    year, batches = await tdb.export(session, principal, annee_scolaire, source)
    fmt = requested_format(request)
    if fmt is not None:
        header, rows = await tabular.table(TdbRecord, batches)
        return file_response(fmt, header, rows, f"tdb-effectifs-{year}")
    return StreamingResponse(tdb.json_chunks(year, batches), media_type="application/json")
