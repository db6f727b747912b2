"""The ``relais`` command: serve, migrate, export the contract, bootstrap admins, demo data."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import migrations
from app.core.config import get_settings
from app.core.db import make_engine, make_sessionmaker
from app.errors import Problem

cli = typer.Typer(help="Relais: follow work-study learners.", no_args_is_help=True)
db_cli = typer.Typer(help="Database schema.", no_args_is_help=True)
openapi_cli = typer.Typer(help="The OpenAPI contract.", no_args_is_help=True)
admin_cli = typer.Typer(help="Administrators.", no_args_is_help=True)
demo_cli = typer.Typer(help="Demo and benchmark data.", no_args_is_help=True)
alerts_cli = typer.Typer(help="The alert service.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(openapi_cli, name="openapi")
cli.add_typer(admin_cli, name="admin")
cli.add_typer(demo_cli, name="demo")
cli.add_typer(alerts_cli, name="alerts")

OPENAPI_PATH = Path("openapi/openapi.json")
T = TypeVar("T")


def run_in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """One unit of work from the command line: committed whole, or not at all."""

    async def _run() -> T:
        engine = make_engine(get_settings())
        try:
            async with make_sessionmaker(engine)() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(_run())


@db_cli.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Migrate the database (RELAIS_DATABASE_URL) to a revision, the newest by default."""
    migrations.upgrade(get_settings().database_url, revision)
    typer.echo(f"Database at {revision}.")


@db_cli.command("downgrade")
def db_downgrade(revision: str = "base") -> None:
    migrations.downgrade(get_settings().database_url, revision)
    typer.echo(f"Database at {revision}.")


def openapi_document() -> str:
    from app.main import create_app  # the CLI sits above the app: importing it here is top-down

    return json.dumps(create_app().openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@openapi_cli.command("export")
def openapi_export(
    output: Annotated[Path, typer.Option(help="Where to write the contract.")] = OPENAPI_PATH,
) -> None:
    """Write the OpenAPI document the app serves, byte-stable (sorted keys)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(openapi_document(), encoding="utf-8")
    typer.echo(f"Wrote {output}.")


@openapi_cli.command("check")
def openapi_check(
    against: Annotated[Path, typer.Option(help="The published contract to stay compatible with.")],
    current: Annotated[Path, typer.Option(help="The contract to check.")] = OPENAPI_PATH,
) -> None:
    """Fail when ``current`` would break a client built from ``against``."""
    from app.openapi_compat import breaking_changes

    old = json.loads(against.read_text(encoding="utf-8"))
    new = json.loads(current.read_text(encoding="utf-8"))
    problems = breaking_changes(old, new)
    for problem in problems:
        typer.echo(f"breaking: {problem}", err=True)
    if problems:
        raise typer.Exit(code=1)
    typer.echo("No breaking change.")


@admin_cli.command("create")
def admin_create(
    organisation: Annotated[str, typer.Option(help="Organisation name (created if new).")],
    email: Annotated[str, typer.Option()],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
) -> None:
    """Create an admin user, and the organisation if it does not exist yet."""
    from app.services.admin import create_admin

    try:
        user = run_in_transaction(lambda s: create_admin(s, organisation, email, password))
    except Problem as problem:
        typer.echo(f"Error: {problem.detail}", err=True)
        raise typer.Exit(code=1) from problem
    typer.echo(f"Admin {user.email} created in organisation {organisation!r} (user id {user.id}).")


@demo_cli.command("load")
def demo_load() -> None:
    """Load the demo organisation (idempotent) and print one login per role."""
    from app.services import demo

    logins = run_in_transaction(demo.load)
    _print_logins(logins)


@demo_cli.command("generate")
def demo_generate(
    learners: Annotated[int, typer.Option(min=1, max=1_000_000, help="How many learners.")],
    organisation: Annotated[
        str | None, typer.Option(help='Organisation name (default "CFA bench N"); must be new.')
    ] = None,
) -> None:
    """Generate a deterministic benchmark data set: N learners, N/3 companies, ~0.8N contracts,
    ~3N follow-up entries."""
    import time

    from app.services import demo_generate as bench

    started = time.perf_counter()
    try:
        result = run_in_transaction(lambda s: bench.generate(s, learners, organisation))
    except Problem as problem:
        typer.echo(f"Error: {problem.detail}", err=True)
        raise typer.Exit(code=1) from problem
    elapsed = time.perf_counter() - started
    for table, count in sorted(result.counts.items()):
        typer.echo(f"  {table:<20} {count:>10,}")
    typer.echo(f"Generated in {elapsed:.1f} s. Admin login: {result.admin_email} {result.password}")


@alerts_cli.command("scan")
def alerts_scan(
    as_of: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Date to scan at (default: each one's today)."),
    ] = None,
    organisation: Annotated[
        str | None, typer.Option(help="Only this organisation (by name); default: all.")
    ] = None,
) -> None:
    """Evaluate every rule and reconcile the alerts, for cron: re-running changes nothing."""
    from app.services.alerts import scan

    day = as_of.date() if as_of else None
    try:
        results = run_in_transaction(lambda s: scan.scan_organisations(s, day, organisation))
    except Problem as problem:
        typer.echo(f"Error: {problem.detail}", err=True)
        raise typer.Exit(code=1) from problem
    for name, scanned_on, counts in results:
        typer.echo(
            f"{name}: as of {scanned_on.isoformat()}, opened {counts.opened}, "
            f"updated {counts.updated}, resolved {counts.resolved}"
        )


@cli.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX.")],
    organisation: Annotated[str, typer.Option(help="Organisation name.")],
    profile: Annotated[str, typer.Option(help="relais, erp_generic or tdb_effectifs.")],
    dry_run: Annotated[bool, typer.Option(help="Check and count, write nothing.")] = False,
    mode: Annotated[str, typer.Option(help="atomic (all or nothing) or partial.")] = "atomic",
) -> None:
    """Import learners, companies and contracts from a file, as POST /imports does; exits 1
    when the file is rejected or the import fails."""
    from rich.console import Console
    from rich.progress import Progress

    from app.services.imports.command import import_file

    content = file.read_bytes()

    async def _run() -> Any:
        engine = make_engine(get_settings())
        try:
            with Progress(transient=True) as progress:
                task = progress.add_task(f"Importing {file.name}", total=None)

                def advance(done: int, total: int) -> None:
                    progress.update(task, completed=done, total=total)

                return await import_file(
                    make_sessionmaker(engine), file.name, content, organisation=organisation,
                    profile=profile, mode=mode, dry_run=dry_run, on_progress=advance,
                )
        finally:
            await engine.dispose()

    try:
        job = asyncio.run(_run())
    except Problem as problem:
        typer.echo(f"Error: {problem.detail}", err=True)
        for error in problem.errors or []:
            typer.echo(f"  {'.'.join(map(str, error['loc']))}: {error['msg']}", err=True)
        raise typer.Exit(code=1) from problem
    console = Console()
    counts = ", ".join(f"{k} {v}" for k, v in job.counts.items())
    dry = " (dry run: nothing written)" if job.dry_run else ""
    console.print(f"Import {job.id}: {job.status}{dry}. {counts or job.error}")
    for line in job.report:
        where = f"row {line['row']}" + (f", {line['column']}" if line["column"] else "")
        value = f" ({line['value']!r})" if line["value"] is not None else ""
        console.print(f"  {where}{value}: {line['message']}", markup=False, highlight=False)
    if job.status != "succeeded":
        raise typer.Exit(code=1)


def _print_logins(logins: list[tuple[str, str, str]]) -> None:
    typer.echo("Demo logins (role, email, password):")
    for role, email, password in logins:
        typer.echo(f"  {role:<18} {email:<40} {password}")


@cli.command("serve")
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    demo: Annotated[bool, typer.Option(help="Migrate and load demo data first.")] = False,
    migrate: Annotated[bool, typer.Option(help="Migrate to head before serving.")] = True,
) -> None:
    """Serve the API with uvicorn."""
    import uvicorn

    from app.main import create_app
    from app.services import demo as demo_data

    settings = get_settings()
    if migrate or demo:
        migrations.upgrade(settings.database_url)
    logins = run_in_transaction(demo_data.load) if demo else []
    typer.echo(f"Relais API on http://{host}:{port}  docs: http://{host}:{port}/docs")
    if logins:
        _print_logins(logins)
    uvicorn.run(create_app(settings), host=host, port=port, log_config=None, access_log=False)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
