"""A learner record of the national apprenticeship dashboard ("TDB", effectifs API v3).

Field names are the dashboard's own (INTEGRATIONS.md). One record per learner and training
(enrolment) in the school year; contracts in start order, the first without suffix, later
ones as ``_2``, ``_3``, ``_4``."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

_EXAMPLE: dict[str, Any] = {
    "nom_apprenant": "Moreau",
    "prenom_apprenant": "Inès",
    "date_de_naissance_apprenant": "2007-03-14",
    "annee_scolaire": "2026-2027",
    "id_erp_apprenant": "A123",
    "ine_apprenant": "1234567890A",
    "email_contact": "ines.moreau@example.fr",
    "tel_apprenant": "06 12 34 56 78",
    "date_inscription_formation": "2026-09-01",
    "date_entree_formation": "2026-09-01",
    "date_fin_formation": "2028-06-30",
    "etablissement_responsable_uai": "0430001A",
    "etablissement_responsable_siret": "13002526500013",
    "etablissement_formateur_uai": "0430001A",
    "etablissement_formateur_siret": "13002526500013",
    "formation_rncp": "RNCP38362",
    "formation_cfd": "32031213",
    "statut_apprenant": 3,
    "contrat_date_debut": "2026-09-01",
    "contrat_date_fin": "2028-08-31",
    "siret_employeur": "73282932000074",
}


class TdbRecord(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    nom_apprenant: str
    prenom_apprenant: str
    date_de_naissance_apprenant: date | None = None
    annee_scolaire: str = Field(examples=["2026-2027"])
    id_erp_apprenant: str = Field(description="The learner's external ref, else Relais's id.")
    ine_apprenant: str | None = None
    email_contact: str | None = None
    tel_apprenant: str | None = None
    date_inscription_formation: date
    date_entree_formation: date
    date_fin_formation: date | None = None
    etablissement_responsable_uai: str | None = None
    etablissement_responsable_siret: str | None = None
    etablissement_formateur_uai: str | None = None
    etablissement_formateur_siret: str | None = None
    formation_rncp: str | None = None
    formation_cfd: str | None = None
    statut_apprenant: Literal[0, 2, 3] = Field(description="0 abandon, 2 inscrit, 3 apprenti.")
    contrat_date_debut: date | None = None
    contrat_date_fin: date | None = None
    contrat_date_rupture: date | None = None
    cause_rupture_contrat: str | None = None
    siret_employeur: str | None = None
    contrat_date_debut_2: date | None = None
    contrat_date_fin_2: date | None = None
    contrat_date_rupture_2: date | None = None
    cause_rupture_contrat_2: str | None = None
    siret_employeur_2: str | None = None
    contrat_date_debut_3: date | None = None
    contrat_date_fin_3: date | None = None
    contrat_date_rupture_3: date | None = None
    cause_rupture_contrat_3: str | None = None
    siret_employeur_3: str | None = None
    contrat_date_debut_4: date | None = None
    contrat_date_fin_4: date | None = None
    contrat_date_rupture_4: date | None = None
    cause_rupture_contrat_4: str | None = None
    siret_employeur_4: str | None = None


class TdbEffectifs(BaseModel):
    annee_scolaire: str
    items: list[TdbRecord]
