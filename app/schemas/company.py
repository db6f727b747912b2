"""Companies (host employers): identity checked at the door (SIRET checksum, NAF, IDCC)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret as stdnum_siret

from app.schemas.common import ExternalRefIn, ExternalRefOut, Name, ReadSchema, Schema, ShortText


def _siret(value: object) -> object:
    """Accept "732 829 320 00074", "732.829.320.00074" or dashes; keep the 14 digits."""
    if not isinstance(value, str):
        return value
    try:
        return stdnum_siret.validate(value.replace("-", ""))
    except StdnumError as exc:
        raise ValueError("not a valid SIRET: 14 digits with a valid checksum expected") from exc


def _naf(value: object) -> object:
    """The INSEE writes NAF codes "62.01Z"; we store "6201Z"."""
    return value.replace(".", "").replace(" ", "").upper() if isinstance(value, str) else value


Siret = Annotated[
    str,
    BeforeValidator(_siret),
    Field(
        max_length=14,
        description="14 digits (spaces, dots and dashes accepted on input), Luhn checksum checked.",
        examples=["73282932000074"],
    ),
]
NafCode = Annotated[
    str,
    BeforeValidator(_naf),
    Field(
        pattern=r"^[0-9]{4}[A-Z]$",
        description='APE/NAF code; "62.01Z" is accepted and stored "6201Z".',
        examples=["6201Z"],
    ),
]
Idcc = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{4}$",
        description="Collective agreement number (4 digits); 9999 = none, 9998 = being negotiated.",
        examples=["1486"],
    ),
]
Postcode = Annotated[str, Field(min_length=2, max_length=10, pattern=r"^[0-9A-Za-z -]+$")]
Phone = Annotated[str, Field(max_length=30, pattern=r"^\+?[0-9 ().-]{6,30}$")]
Opco = Annotated[str, Field(min_length=1, max_length=100, examples=["OPCO EP"])]


class CompanyAddress(Schema):
    line: ShortText | None = None
    postcode: Postcode | None = None
    city: Annotated[ShortText, Field(max_length=200)] | None = None


class CompanyContact(Schema):
    name: Name
    role: Annotated[ShortText, Field(max_length=200)] | None = None
    email: EmailStr | None = None
    phone: Phone | None = None


_COMPANY: dict[str, Any] = {
    "name": "Boulangerie Martin",
    "siret": "73282932000074",
    "naf_code": "1071C",
    "idcc": "0843",
    "opco": "OPCO EP",
    "address": {"line": "12 rue des Lilas", "postcode": "69003", "city": "Lyon"},
    "contacts": [
        {
            "name": "Sophie Martin",
            "role": "gérante",
            "email": "sophie@boulangerie-martin.fr",
            "phone": "04 78 00 00 00",
        }
    ],
    "owner_id": None,
    "sensitive": False,
    "sensitive_reason": None,
}
SensitiveReason = Annotated[
    ShortText,
    Field(
        description="Why the company is flagged (turnover, tension, unpaid reminders); "
        "required when `sensitive` is true.",
    ),
]


class CompanyAddressRead(BaseModel):
    line: str | None = None
    postcode: str | None = None
    city: str | None = None


class CompanyContactRead(BaseModel):
    name: str
    role: str | None = None
    email: str | None = None
    phone: str | None = None


class CompanyCreate(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [_COMPANY]})

    name: Name
    siret: Siret | None = None
    naf_code: NafCode | None = None
    idcc: Idcc | None = None
    opco: Opco | None = None
    address: CompanyAddress | None = None
    contacts: list[CompanyContact] = Field(default_factory=list, max_length=20)
    owner_id: str | None = Field(
        default=None, max_length=36, description="The `company_relations` user holding the account."
    )
    sensitive: bool = False
    sensitive_reason: SensitiveReason | None = None
    external_refs: list[ExternalRefIn] = Field(default_factory=list, max_length=20)


class CompanyUpdate(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"sensitive": True, "sensitive_reason": "Two breaks in 2025"}]
        }
    )

    name: Name | None = None
    siret: Siret | None = None
    naf_code: NafCode | None = None
    idcc: Idcc | None = None
    opco: Opco | None = None
    address: CompanyAddress | None = None
    contacts: list[CompanyContact] | None = Field(default=None, max_length=20)
    owner_id: str | None = Field(default=None, max_length=36)
    sensitive: bool | None = None
    sensitive_reason: SensitiveReason | None = None
    external_refs: list[ExternalRefIn] | None = Field(default=None, max_length=20)


class CompanyRead(ReadSchema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"id": "…", **_COMPANY}]})

    name: str
    siret: str | None
    naf_code: str | None
    idcc: str | None
    opco: str | None
    address: CompanyAddressRead | None
    contacts: list[CompanyContactRead]
    owner_id: str | None
    sensitive: bool | None = Field(
        description="Null for the company side, learners and prescribers: an internal CFA flag."
    )
    sensitive_reason: str | None
    external_refs: list[ExternalRefOut] = Field(default_factory=list)
