"""The ``relais`` command: serve, migrate, export the contract, bootstrap admins, demo data."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

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
cli.add_typer(db_cli, name="db")
cli.add_typer(openapi_cli, name="openapi")
cli.add_typer(admin_cli, name="admin")
cli.add_typer(demo_cli, name="demo")

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
