"""Bulk imports: a file (multipart) or JSON rows in, a job out (202), applied after the answer.

One POST accepts both bodies, so it reads the request itself; the OpenAPI document declares
the two media types."""

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Path, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from app.deps import CurrentPrincipal, Idempotent, PageDep, SessionDep
from app.pagination import PageRequest
from app.routers.export_formats import EXPORT_RESPONSES, page_or_file, whole_or_file
from app.routing import UnitOfWorkRoute, set_etag
from app.schemas.common import Page
from app.schemas.import_job import (
    ImportJobRead,
    ImportProfileColumn,
    ImportProfileRead,
    ImportRequest,
)
from app.services.imports import jobs

router = APIRouter(prefix="/api/v1/imports", tags=["imports"], route_class=UnitOfWorkRoute)
JobId = Annotated[str, Path(max_length=36)]

_FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["file", "profile"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "CSV or XLSX."},
        "profile": ImportRequest.model_json_schema()["properties"]["profile"],
        "mode": {"type": "string", "enum": ["atomic", "partial"], "default": "atomic"},
        "dry_run": {"type": "boolean", "default": False},
    },
}
_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {"schema": _FORM_SCHEMA},
            "application/json": {"schema": ImportRequest.model_json_schema()},
        },
    }
}


async def _read_form(request: Request) -> tuple[ImportRequest, UploadFile]:
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise RequestValidationError(
            [{"loc": ("body", "file"), "msg": "Send the file as 'file'.", "type": "missing"}]
        )
    fields = {k: form.get(k) for k in ("profile", "mode", "dry_run") if form.get(k) is not None}
    try:
        params = ImportRequest.model_validate({**fields, "rows": [{}]})
    except ValidationError as exc:
        raise RequestValidationError(_located(exc)) from exc
    return params, upload


def _located(exc: ValidationError) -> list[Any]:
    return [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]


@router.post(
    "",
    operation_id="create_import",
    summary="Import a file or rows",
    response_model=ImportJobRead,
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Idempotent],
    openapi_extra=_BODY,
)
async def create_import(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    response: Response,
    background: BackgroundTasks,
) -> Any:
    """Answers 202 with a queued job at once; follow it at its `Location`. Only admins,
    coordinators and staff may import."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        params, upload = await _read_form(request)
        job, rows = await jobs.submit(
            session, principal, profile=params.profile, mode=params.mode,
            dry_run=params.dry_run, filename=upload.filename, content=await upload.read(),
        )
    else:
        try:
            params = ImportRequest.model_validate_json(await request.body())
        except ValidationError as exc:
            raise RequestValidationError(_located(exc)) from exc
        job, rows = await jobs.submit(
            session, principal, profile=params.profile, mode=params.mode,
            dry_run=params.dry_run, json_rows=params.rows,
        )
    # After the answer, in a session and transaction of its own (the request's is committed).
    background.add_task(jobs.run, request.app.state.sessionmaker, job.id, principal, rows)
    response.headers["Location"] = f"/api/v1/imports/{job.id}"
    set_etag(response, job.version)
    return job


@router.get(
    "",
    operation_id="list_imports",
    summary="List import jobs",
    response_model=Page[ImportJobRead],
    responses=EXPORT_RESPONSES,
)
async def list_imports(
    request: Request, session: SessionDep, principal: CurrentPrincipal, page: PageDep
) -> Any:
    """Admins and coordinators see the organisation's imports, staff their own."""

    async def fetch(wanted: PageRequest) -> tuple[list[ImportJobRead], str | None]:
        rows, cursor = await jobs.list_jobs(session, principal, wanted)
        return [ImportJobRead.model_validate(j) for j in rows], cursor

    return await page_or_file(request, ImportJobRead, fetch, "imports", page)


@router.get(
    "/profiles",
    operation_id="list_import_profiles",
    summary="List the import profiles and the columns they read",
    response_model=Page[ImportProfileRead],
    responses=EXPORT_RESPONSES,
)
async def list_import_profiles(request: Request, principal: CurrentPrincipal) -> Any:
    """Every header each profile accepts (aliases included) and the field it feeds, so an
    integration can check a file's columns before sending it. The whole list in one page; as
    CSV or XLSX, one line per profile and header."""
    items = jobs.list_profiles(principal)
    lines = [{"profile": p["name"], **column} for p in items for column in p["columns"]]
    answer = {"items": items, "next_cursor": None}
    return await whole_or_file(request, ImportProfileColumn, lines, answer, "import_profiles")


@router.get(
    "/{job_id}",
    operation_id="get_import",
    summary="Read an import job",
    response_model=ImportJobRead,
)
async def get_import(
    job_id: JobId, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> Any:
    job = await jobs.get_job(session, principal, job_id)
    set_etag(response, job.version)
    return job
