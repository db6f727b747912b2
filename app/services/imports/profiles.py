"""Profiles: which column of a file feeds which Relais field, and under which ``source`` name
the external references of the file are kept.

Headers are compared folded (case, accents, spaces and underscores ignored), so "Prénom",
"PRENOM" and "prenom" are one column."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.errors import ValidationFailed
from app.services.imports.parsing import Row, fold

# The Relais fields a row may carry, named <object>.<field>.
FIELDS = (
    "learner.last_name",
    "learner.first_name",
    "learner.birth_date",
    "learner.ine",
    "learner.email",
    "learner.phone",
    "learner.ref",
    "company.siret",
    "company.name",
    "company.ref",
    "contract.kind",
    "contract.start_date",
    "contract.end_date",
    "contract.ref",
    "contract.break_date",
    "contract.break_reason",
    "programme.rncp_code",
    "programme.diploma_code",
    "programme.title",
    "cohort.name",
    "cohort.school_year",
    "training.start_date",
    "training.end_date",
)


@dataclass(frozen=True)
class Profile:
    name: str
    source: str  # the external-ref source of the file's codes
    headers: dict[str, str]  # header as the tools write it -> field
    # The national dashboard sends no employer name: a new company is named after its SIRET.
    company_name_from_siret: bool = False
    kinds: dict[str, str] = field(default_factory=dict)  # contract type as written -> kind
    # Suffixes of the employers a row may name: the dashboard has up to four contracts a row.
    slots: tuple[str, ...] = ("",)
    # What reading a file looks up: folded header -> field, folded contract type -> kind.
    columns: dict[str, str] = field(init=False)
    folded_kinds: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", _folded(self.headers))
        object.__setattr__(self, "folded_kinds", _folded(self.kinds))


def _folded(columns: dict[str, str]) -> dict[str, str]:
    return {fold(header): target for header, target in columns.items()}


_KINDS = {
    "apprentissage": "apprenticeship",
    "contrat d'apprentissage": "apprenticeship",
    "apprenticeship": "apprenticeship",
    "professionnalisation": "professionalisation",
    "contrat de professionnalisation": "professionalisation",
    "professionalisation": "professionalisation",
    "stage": "internship",
    "internship": "internship",
}

RELAIS = Profile(
    name="relais",
    source="import",
    headers={
        "last_name": "learner.last_name",
        "first_name": "learner.first_name",
        "birth_date": "learner.birth_date",
        "ine": "learner.ine",
        "email": "learner.email",
        "phone": "learner.phone",
        "learner_ref": "learner.ref",
        "company_siret": "company.siret",
        "company_name": "company.name",
        "company_ref": "company.ref",
        "contract_kind": "contract.kind",
        "contract_start_date": "contract.start_date",
        "contract_end_date": "contract.end_date",
        "contract_ref": "contract.ref",
        "contract_break_date": "contract.break_date",
        "contract_break_reason": "contract.break_reason",
        "programme_rncp_code": "programme.rncp_code",
        "programme_diploma_code": "programme.diploma_code",
        "programme_title": "programme.title",
        "cohort_name": "cohort.name",
        "school_year": "cohort.school_year",
        "training_start_date": "training.start_date",
        "training_end_date": "training.end_date",
    },
    kinds=_KINDS,
)

ERP_GENERIC = Profile(
    name="erp_generic",
    source="erp",
    headers={
        "Nom": "learner.last_name",
        "Nom de naissance": "learner.last_name",
        "Prénom": "learner.first_name",
        "Date de naissance": "learner.birth_date",
        "INE": "learner.ine",
        "Email": "learner.email",
        "E-mail": "learner.email",
        "Courriel": "learner.email",
        "Téléphone": "learner.phone",
        "Portable": "learner.phone",
        "Code apprenant": "learner.ref",
        "SIRET": "company.siret",
        "SIRET entreprise": "company.siret",
        "Raison sociale": "company.name",
        "Entreprise": "company.name",
        "Code entreprise": "company.ref",
        "Type de contrat": "contract.kind",
        "Date de début de contrat": "contract.start_date",
        "Date de fin de contrat": "contract.end_date",
        "Code contrat": "contract.ref",
        "Date de rupture": "contract.break_date",
        "Date de rupture du contrat": "contract.break_date",
        "Date de résiliation": "contract.break_date",
        "Motif de rupture": "contract.break_reason",
        "Code RNCP": "programme.rncp_code",
        "RNCP": "programme.rncp_code",
        "Code diplôme": "programme.diploma_code",
        "CFD": "programme.diploma_code",
        "Formation": "programme.title",
        "Intitulé de la formation": "programme.title",
        "Promotion": "cohort.name",
        "Groupe": "cohort.name",
        "Classe": "cohort.name",
        "Année scolaire": "cohort.school_year",
        "Date d'entrée en formation": "training.start_date",
        "Date de début de formation": "training.start_date",
        "Date de fin de formation": "training.end_date",
    },
    kinds=_KINDS,
)

TDB_EFFECTIFS = Profile(
    name="tdb_effectifs",
    source="tdb",
    headers={
        "nom_apprenant": "learner.last_name",
        "prenom_apprenant": "learner.first_name",
        "date_de_naissance_apprenant": "learner.birth_date",
        "ine_apprenant": "learner.ine",
        "email_contact": "learner.email",
        "tel_apprenant": "learner.phone",
        "id_erp_apprenant": "learner.ref",
        "siret_employeur": "company.siret",
        "contrat_date_debut": "contract.start_date",
        "contrat_date_fin": "contract.end_date",
        "contrat_date_rupture": "contract.break_date",
        "cause_rupture_contrat": "contract.break_reason",
        **{
            f"{column}_{n}": f"{target}#{n}"
            for n in (2, 3, 4)
            for column, target in (
                ("siret_employeur", "company.siret"),
                ("contrat_date_debut", "contract.start_date"),
                ("contrat_date_fin", "contract.end_date"),
                ("contrat_date_rupture", "contract.break_date"),
                ("cause_rupture_contrat", "contract.break_reason"),
            )
        },
        "formation_rncp": "programme.rncp_code",
        "formation_cfd": "programme.diploma_code",
        "annee_scolaire": "cohort.school_year",
        "date_entree_formation": "training.start_date",
        "date_fin_formation": "training.end_date",
    },
    company_name_from_siret=True,
    slots=("", "#2", "#3", "#4"),
)

PROFILES = {p.name: p for p in (RELAIS, ERP_GENERIC, TDB_EFFECTIFS)}


def get(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValidationFailed.on(
            ["body", "profile"], f"Unknown profile; one of {', '.join(PROFILES)}."
        ) from None


def catalogue() -> list[dict[str, object]]:
    """Every profile as integrators read it: each accepted header and what it feeds."""
    out: list[dict[str, object]] = []
    for profile in PROFILES.values():
        columns = []
        for header, target in profile.headers.items():
            name, _, slot = target.partition("#")  # "company.siret#2": the row's 2nd contract
            columns.append({"header": header, "field": name, "contract": int(slot or 1)})
        out.append({
            "name": profile.name, "source": profile.source, "columns": columns,
            "contract_kinds": dict(profile.kinds),
            "company_name_from_siret": profile.company_name_from_siret,
        })
    return out


@dataclass
class MappedRow:
    number: int  # as the user sees it: the spreadsheet line, or the JSON item from 1
    values: dict[str, str]  # field -> text, empty cells left out
    columns: dict[str, str]  # field -> the file's own header, for the report


def map_rows(profile: Profile, rows: list[Row], first_number: int) -> list[MappedRow]:
    """Columns the profile does not know are ignored (ERP exports carry dozens)."""
    if rows:
        headers = list(rows[0])
        if not any(fold(h) in profile.columns for h in headers):
            raise ValidationFailed.on(
                ["body", "file"],
                f"No column of the file is known to the {profile.name} profile "
                f"(found: {', '.join(headers[:10])}).",
            )
    mapped = []
    for index, row in enumerate(rows):
        values: dict[str, str] = {}
        columns: dict[str, str] = {}
        for header, text in row.items():
            target = profile.columns.get(fold(header))
            if target is None:
                continue
            columns.setdefault(target, header)
            if text and target not in values:
                values[target] = text
        mapped.append(MappedRow(first_number + index, values, columns))
    return mapped
