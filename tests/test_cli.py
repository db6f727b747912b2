"""The ``relais`` command as a script would call it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def _relais(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RELAIS_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_admin_create_makes_an_organisation_and_an_admin_who_can_sign_in(
    database_url: str, client: httpx.AsyncClient
) -> None:
    args = ("admin", "create", "--organisation", "CFA Script", "--email", "boss@cfa-script.fr")
    done = _relais(database_url, *args, "--password", "a-long-password")
    assert done.returncode == 0, done.stderr
    assert "boss@cfa-script.fr" in done.stdout
    token = await client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "password",
            "username": "boss@cfa-script.fr",
            "password": "a-long-password",
        },
    )
    assert token.status_code == 200
    me = await client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
    )
    assert me.json()["roles"] == ["admin"]
    again = _relais(database_url, *args, "--password", "a-long-password")
    assert again.returncode == 1 and "already exists" in again.stderr


def test_openapi_export_writes_the_committed_contract(tmp_path: Path, database_url: str) -> None:
    output = tmp_path / "openapi.json"
    done = _relais(database_url, "openapi", "export", "--output", str(output))
    assert done.returncode == 0, done.stderr
    assert output.read_text() == (ROOT / "openapi" / "openapi.json").read_text()
    assert json.loads(output.read_text())["info"]["title"] == "Relais API"
