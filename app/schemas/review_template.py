"""Review grids (*grilles de visite*): sections of criteria answered on a scale or in free text.

A grid is versioned by ``code`` + ``revision``: once a review uses a revision it is never
changed in place; ``POST /review-templates/{id}/revisions`` makes the next one."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator

from app.schemas.common import (
    ExternalRefIn,
    ExternalRefOut,
    Name,
    ReadSchema,
    Schema,
    ShortText,
)

ReviewKind = Literal[
    "visit", "two_month_interview", "trial_check", "mid_term", "end_of_contract", "post_contract"
]
Key = Annotated[
    str,
    Field(
        min_length=1,
        max_length=50,
        pattern=r"^[a-z][a-z0-9_]*$",
        description="Stable machine name (lowercase letters, digits, `_`).",
    ),
]
# A scale is made of integers (1 to 4) or of words ("acquired"); 1 and "1" are different values.
ScaleInt = Annotated[StrictInt, Field(ge=-1000, le=1000)]
ScaleValue = ScaleInt | Annotated[ShortText, Field(min_length=1, max_length=100)]
Kinds = Annotated[
    list[ReviewKind],
    Field(max_length=6, description="The review kinds this grid serves; empty: any kind."),
]

_SECTIONS: list[dict[str, Any]] = [
    {
        "key": "integration",
        "title": "Intégration dans l'entreprise",
        "criteria": [
            {
                "key": "punctuality",
                "label": "Ponctualité et assiduité",
                "type": "scale",
                "scale": [1, 2, 3, 4],
                "required": True,
            },
            {"key": "tutor_comment", "label": "Remarques du tuteur", "type": "text"},
        ],
    }
]
_REVISION: dict[str, Any] = {"title": "Grille de visite v2", "sections": _SECTIONS}
_TEMPLATE: dict[str, Any] = {
    "code": "visite-entreprise",
    "title": "Grille de visite en entreprise",
    "kinds": ["visit"],
    "sections": _SECTIONS,
}


def _unique_kinds(kinds: list[str] | None) -> list[str] | None:
    return list(dict.fromkeys(kinds)) if kinds is not None else None


class Criterion(Schema):
    key: Key
    label: Name
    type: Literal["scale", "text"]
    scale: list[ScaleValue] = Field(
        default_factory=list,
        max_length=20,
        description="The allowed answers of a `scale` criterion, in order; empty for `text`.",
    )
    required: bool = Field(default=False, description="Must be answered once the review is done.")


class Section(Schema):
    key: Key
    title: Name
    criteria: list[Criterion] = Field(min_length=1, max_length=50)


Sections = Annotated[
    list[Section],
    Field(
        min_length=1,
        max_length=30,
        description="Section keys are unique; criterion keys are unique across the whole grid.",
    ),
]


class ReviewTemplateCreate(Schema):
    """Revision 1 of a new grid; its `code` must not be taken in your organisation."""

    model_config = ConfigDict(json_schema_extra={"examples": [_TEMPLATE]})

    code: Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[a-z0-9][a-z0-9_.-]*$")]
    title: Name
    kinds: Kinds = Field(default_factory=list)
    sections: Sections
    external_refs: list[ExternalRefIn] = Field(default_factory=list, max_length=20)

    _kinds = field_validator("kinds")(_unique_kinds)


class ReviewTemplateUpdate(Schema):
    """Changes a grid in place, only while no review uses it and it is the latest revision
    (otherwise 409: make a new revision with `POST /review-templates/{id}/revisions`)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"title": "Grille de visite"}]})

    title: Name | None = None
    kinds: Kinds | None = None
    sections: Sections | None = None
    external_refs: list[ExternalRefIn] | None = Field(default=None, max_length=20)

    _kinds = field_validator("kinds")(_unique_kinds)


class ReviewTemplateRevisionCreate(Schema):
    """The next revision of a grid: what is left out is copied from the revision revised."""

    model_config = ConfigDict(json_schema_extra={"examples": [_REVISION]})

    title: Name | None = None
    kinds: Kinds | None = None
    sections: Sections | None = None

    _kinds = field_validator("kinds")(_unique_kinds)


class CriterionRead(BaseModel):
    key: str
    label: str
    type: Literal["scale", "text"]
    scale: list[int | str]
    required: bool


class SectionRead(BaseModel):
    key: str
    title: str
    criteria: list[CriterionRead]


class ReviewTemplateRead(ReadSchema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"id": "…", **_TEMPLATE, "revision": 1, "superseded": False, "in_use": False}
            ]
        }
    )

    code: str
    revision: int
    title: str
    kinds: list[str]
    sections: list[SectionRead]
    superseded: bool = Field(description="A later revision of the same code exists.")
    in_use: bool = Field(description="Reviews use this revision: it can no longer change.")
    external_refs: list[ExternalRefOut] = Field(default_factory=list)
