"""Training programmes: reference data every member of the organisation may read."""

from __future__ import annotations

from app.models import Programme
from app.schemas.programme import ProgrammeRead
from app.services.resource import Resource


class Programmes(Resource[Programme, ProgrammeRead]):
    name = "programme"
    model = Programme
    read_schema = ProgrammeRead


programmes = Programmes()
