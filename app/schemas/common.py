"""Shared schema pieces: the strict base, read fields every object has, lists, problems."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator


def _no_nul(value: str) -> str:
    # PostgreSQL refuses NUL in text: reject it as bad input rather than answer a 500.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
Name = Annotated[str, AfterValidator(_no_nul), Field(min_length=1, max_length=200)]
ShortText = Annotated[str, AfterValidator(_no_nul), Field(max_length=500)]
LongText = Annotated[str, AfterValidator(_no_nul), Field(max_length=20_000)]


class Schema(BaseModel):
    """Input schemas refuse unknown fields: a typo is an error, not silently ignored data."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _reject_nul(cls, value: Any) -> Any:
        if isinstance(value, str):
            _no_nul(value)
        return value


class ReadSchema(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    created_at: datetime
    updated_at: datetime
    version: int


class ExternalRefIn(Schema):
    source: Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[a-z0-9_.-]+$")]
    ref: Annotated[Text, Field(min_length=1, max_length=200)]


class ExternalRefOut(BaseModel):
    source: str
    ref: str


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class ValidationErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ProblemDetail(BaseModel):
    """RFC 9457 problem details."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["https://relais.dev/problems/not-found"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str | None = Field(default=None, examples=["No learner with id '…'."])
    instance: str | None = None
    errors: list[ValidationErrorItem] | None = None
