"""Import jobs: what was sent, how far it got, and what was refused, row by row."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.schemas.common import ReadSchema, Schema

ProfileName = Literal["relais", "erp_generic", "tdb_effectifs"]
ImportMode = Literal["atomic", "partial"]
ImportStatus = Literal["queued", "running", "succeeded", "failed", "rejected"]
Cell = Annotated[str, Field(max_length=1000)] | int | float | bool | None

PROFILES_DOC = (
    "`relais`: columns last_name, first_name, birth_date, ine, email, phone, learner_ref, "
    "company_siret, company_name, company_ref, contract_kind, contract_start_date, "
    "contract_end_date, contract_ref, contract_break_date, contract_break_reason, "
    "programme_rncp_code, programme_diploma_code, "
    "programme_title, cohort_name, school_year, training_start_date, training_end_date. "
    "`erp_generic`: Nom, Prénom, Date de naissance, INE, Email, Téléphone, Code apprenant, "
    "SIRET, Raison sociale, Code entreprise, Type de contrat, Date de début de contrat, "
    "Date de fin de contrat, Code contrat, Date de rupture, Motif de rupture, Code RNCP, "
    "Code diplôme (CFD), Formation, "
    "Promotion (or Groupe, Classe), Année scolaire, Date d'entrée en formation, Date de fin de "
    "formation. `tdb_effectifs`: the national dashboard's nom_apprenant, prenom_apprenant, "
    "date_de_naissance_apprenant, ine_apprenant, id_erp_apprenant, email_contact, "
    "tel_apprenant, siret_employeur, contrat_date_debut, contrat_date_fin, "
    "contrat_date_rupture, cause_rupture_contrat (and the same with _2, _3, _4 for later "
    "contracts), formation_rncp, "
    "formation_cfd, annee_scolaire, date_entree_formation, date_fin_formation. Every header "
    "each profile accepts, aliases included, is listed by `GET /api/v1/imports/profiles`. "
    "Codes are kept "
    "as external references under the source `import`, `erp` or `tdb`. A row with a programme "
    "(RNCP code, diploma code or title) enrols the learner in its cohort: the programme is "
    "found by RNCP code, diploma code, then title; the cohort by name (else the school year, "
    "else the training years) within it; new ones are created with the training dates (or "
    "the school year, 1 September to 31 August). Contracts are created `signed` (a file reports "
    "contracts that exist). A break date records the break through the contract's lifecycle "
    "(initiator `other`)."
)


class ImportRequest(Schema):
    """The JSON form of an import: rows as objects keyed like the profile's columns."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "profile": "erp_generic",
                    "mode": "atomic",
                    "dry_run": True,
                    "rows": [
                        {
                            "Nom": "MOREAU",
                            "Prénom": "Inès",
                            "Date de naissance": "14/03/2007",
                            "SIRET": "732 829 320 00074",
                            "Raison sociale": "Boulangerie Martin",
                            "Date de début de contrat": "01/09/2026",
                            "Date de fin de contrat": "31/08/2028",
                        }
                    ],
                }
            ]
        }
    )

    profile: ProfileName = Field(description=PROFILES_DOC)
    mode: ImportMode = "atomic"
    dry_run: bool = False
    rows: list[dict[Annotated[str, Field(max_length=200)], Cell]] = Field(
        min_length=1, max_length=50_000
    )


class ImportCounts(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0


class ImportIssue(BaseModel):
    row: int | None = Field(description="The file's line (header = 1), or the JSON row from 1.")
    column: str | None = Field(description="The file's own column header.")
    value: str | None
    message: str


_JOB: dict[str, Any] = {
    "id": "…",
    "profile": "erp_generic",
    "mode": "atomic",
    "dry_run": False,
    "status": "rejected",
    "filename": "apprentis.csv",
    "rows_total": 120,
    "rows_done": 120,
    "counts": {"created": 110, "updated": 0, "unchanged": 9, "rejected": 1},
    "report": [
        {"row": 14, "column": "SIRET", "value": "123", "message": "not a valid SIRET"}
    ],
}


class ImportJobRead(ReadSchema):
    """A job is ``queued``, then ``running``; it ends ``succeeded`` (kept, or only counted on a
    dry run), ``rejected`` (atomic mode, a row was refused: nothing was written) or ``failed``
    (internal error or server stopped: nothing was written). Counts are per row: a row is
    ``created`` when any of its learner, company or contract was created."""

    model_config = ConfigDict(json_schema_extra={"examples": [_JOB]})

    profile: ProfileName
    mode: ImportMode
    dry_run: bool
    status: ImportStatus
    filename: str | None
    rows_total: int
    rows_done: int
    counts: ImportCounts
    report: list[ImportIssue] = Field(default_factory=list)
    error: str | None
    created_by_id: str | None
    started_at: datetime | None
    finished_at: datetime | None


class ImportColumn(BaseModel):
    header: str = Field(description="A header the profile reads (case, accents, spaces and "
                        "underscores do not matter).")
    field: str = Field(description="The Relais field it feeds, as `object.field`.",
                       examples=["learner.birth_date"])
    contract: int = Field(description="Which of the row's contracts it belongs to (the "
                          "national dashboard has up to four a row); 1 for every other column.")


class ImportProfileColumn(BaseModel):
    """One line of the profiles' CSV or XLSX export: a header of a profile."""

    profile: ProfileName
    header: str
    field: str
    contract: int


class ImportProfileRead(BaseModel):
    """A profile: the columns it reads and where their values go."""

    name: ProfileName
    source: str = Field(description="The `source` under which the file's codes are kept as "
                        "external references.")
    columns: list[ImportColumn]
    contract_kinds: dict[str, str] = Field(
        description="Contract types as files write them -> Relais contract kind."
    )
    company_name_from_siret: bool = Field(
        description="The format names no employer: a new company is named after its SIRET."
    )

