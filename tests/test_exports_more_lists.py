"""Exports of the paginated lists added last: machine clients, calendar feeds, key dates, an
alert's comments and history, import jobs and an indicator's records. Each file holds what the
JSON list holds for the same caller and filters, and never a secret."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.schemas.api_client import ApiClientRead
from app.schemas.calendar import CalendarFeedRead, KeyDateRead
from app.schemas.import_job import ImportJobRead
from app.schemas.indicator import IndicatorRecord
from app.services.exports.tabular import columns
from tests import helpers_alert_workflow as h
from tests.factories import World
from tests.helpers_calendars import scene as calendar_scene
from tests.helpers_calendars import school_year_cohort
from tests.helpers_exports import CSV, XLSX, csv_rows, json_items, with_auth, xlsx_rows
from tests.helpers_imports import csv_bytes, erp_row, import_file
from tests.helpers_indicators import WINDOW, seed, seed_other


async def _same_ids(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], **params: str
) -> list[dict[str, str]]:
    """The CSV rows, after checking they are the JSON list's items, in the same order."""
    rows = csv_rows(await client.get(url, params=params, headers=with_auth(headers, CSV)))
    listed = await json_items(client, url, headers, **params)
    assert [r["id"] for r in rows] == [i["id"] for i in listed], url
    return rows


async def test_api_clients_export_without_secrets(client, world: World, other_world) -> None:
    url = "/api/v1/api-clients"
    secrets = []
    for name in ("Ypareo", "=HYPERLINK"):
        created = await client.post(
            url, json={"name": name, "scopes": ["read"]}, headers=world.admin.headers
        )
        assert created.status_code == 201, created.text
        secrets.append(created.json()["client_secret"])
    other = {"name": "Other", "scopes": ["read"]}
    await client.post(url, json=other, headers=other_world.admin.headers)
    response = await client.get(url, headers=with_auth(world.admin.headers, CSV))
    rows = await _same_ids(client, url, world.admin.headers)
    assert [r["name"] for r in rows] == ["Ypareo", "'=HYPERLINK"]  # no formula in Excel
    assert list(rows[0]) == columns(ApiClientRead) and "client_secret" not in rows[0]
    assert not any(secret.encode() in response.content for secret in secrets)
    book = xlsx_rows(await client.get(url, headers=with_auth(world.admin.headers, XLSX)))
    assert [r["name"] for r in book] == ["Ypareo", "=HYPERLINK"]
    refused = await client.get(url, headers=with_auth(world.coordinator.headers, CSV))
    assert refused.status_code == 403


async def test_calendar_feeds_export_is_each_users_own_without_tokens(
    client, session: AsyncSession, world: World
) -> None:
    s = await calendar_scene(session, world)
    url = "/api/v1/calendar-feeds"
    mine = await client.post(url, json={"subject_type": "learner"}, headers=world.learner.headers)
    tokens = [mine.json()["token"]]
    for _ in range(2):
        made = await client.post(
            url,
            json={"subject_type": "cohort", "subject_id": s.cohort.id},
            headers=world.staff.headers,
        )
        assert made.status_code == 201, made.text
        tokens.append(made.json()["token"])
    staff = await _same_ids(client, url, world.staff.headers)
    learner = await _same_ids(client, url, world.learner.headers)
    assert len(staff) == 2 and [r["subject_id"] for r in learner] == [s.lea.id]
    assert list(staff[0]) == columns(CalendarFeedRead) and "token" not in staff[0]
    for headers in (world.staff.headers, world.learner.headers):
        body = (await client.get(url, headers=with_auth(headers, XLSX))).content
        body += (await client.get(url, headers=with_auth(headers, CSV))).content
        assert not any(token.encode() in body for token in tokens)
    assert await _same_ids(client, url, world.tutor.headers) == []


async def test_key_dates_export_follows_filters_and_scope(
    client, session: AsyncSession, world: World, other_world: World
) -> None:
    cohort = await school_year_cohort(session, world)
    url = f"/api/v1/cohorts/{cohort.id}/key-dates"
    dates = (("exam", "2027-05-18"), ("visit_window", "2026-10-05"), ("exam", "2027-06-01"))
    for kind, day in dates:
        body = {"kind": kind, "start_date": day, "label": f"{kind} {day}"}
        made = await client.post(url, json=body, headers=world.staff.headers)
        assert made.status_code == 201, made.text
    exams = await _same_ids(client, url, world.staff.headers, kind="exam")
    assert [r["start_date"] for r in exams] == ["2027-05-18", "2027-06-01"]
    june = await _same_ids(client, url, world.staff.headers, kind="exam", **{"from": "2027-05-30"})
    assert [r["label"] for r in june] == ["exam 2027-06-01"]
    book = xlsx_rows(await client.get(url, headers=with_auth(world.staff.headers, XLSX)))
    assert len(book) == 3 and list(book[0]) == columns(KeyDateRead)
    hidden = await client.get(url, headers=with_auth(other_world.admin.headers, CSV))
    assert hidden.status_code == 404


@pytest.fixture
def rules(monkeypatch: pytest.MonkeyPatch) -> h.FakeRules:
    return h.install(monkeypatch)


async def test_alert_comments_and_history_export(
    client, session: AsyncSession, world: World, rules: h.FakeRules
) -> None:
    scene = await h.scene(session, world)
    rules.hold(h.on_learner(scene.mine, owner_id=world.referent.id))
    await h.scan(client, world)
    [alert] = (await client.get("/api/v1/alerts", headers=world.coordinator.headers)).json()[
        "items"
    ]
    url = f"/api/v1/alerts/{alert['id']}"
    for note, role in (("Appelé la tutrice", "staff"), ("Rendez-vous lundi", "referent")):
        headers = world[role].headers
        said = await client.post(f"{url}/comments", json={"note": note}, headers=headers)
        assert said.status_code == 201, said.text
    comments = await _same_ids(client, f"{url}/comments", world.auditor.headers)
    assert [c["note"] for c in comments] == ["Appelé la tutrice", "Rendez-vous lundi"]
    history = await _same_ids(client, f"{url}/history", world.referent.headers)
    assert [e["kind"] for e in history] == ["opened", "comment", "comment"]
    book = xlsx_rows(
        await client.get(f"{url}/history", headers=with_auth(world.coordinator.headers, XLSX))
    )
    assert [e["kind"] for e in book] == ["opened", "comment", "comment"]
    for path in ("comments", "history"):  # tutors see only the alerts they raised
        hidden = await client.get(f"{url}/{path}", headers=with_auth(world.tutor.headers, CSV))
        assert hidden.status_code == 404


async def test_import_jobs_export_each_callers_jobs(client, world: World) -> None:
    url = "/api/v1/imports"
    own = await import_file(client, world.staff, csv_bytes([erp_row(1)]), dry_run=True)
    await import_file(client, world.admin, csv_bytes([erp_row(2), erp_row(3)]), dry_run=True)
    staff = await _same_ids(client, url, world.staff.headers)
    assert [r["id"] for r in staff] == [own["id"]]
    everyone = await _same_ids(client, url, world.coordinator.headers)
    assert len(everyone) == 2 and [r["rows_total"] for r in everyone] == ["1", "2"]
    assert list(everyone[0]) == columns(ImportJobRead) and "counts.created" in everyone[0]
    book = xlsx_rows(await client.get(url, headers=with_auth(world.admin.headers, XLSX)))
    assert [r["dry_run"] for r in book] == [True, True]


async def test_indicator_records_export_follows_filters_and_scope(
    client, session: AsyncSession, settings: Settings, world: World, other_world: World
) -> None:
    await seed_other(session, other_world)
    data = await seed(session, settings, world)
    url = "/api/v1/indicators/follow_up_coverage/records"
    admin = await _same_ids(client, url, world.admin.headers, **WINDOW)
    referent = await _same_ids(client, url, world.referent.headers, **WINDOW)
    assert {r["id"] for r in admin} == {data[f"L{n}"] for n in (1, 2, 3, 4, 5, 9)}
    assert {r["id"] for r in referent} == {data["L1"], data["L4"]}  # their learners only
    assert {r["in_numerator"] for r in referent} == {"true"}
    url = "/api/v1/indicators/contracts_started/records"
    group = {**WINDOW, "group_by": "month", "group_key": "2026-01"}
    january = await _same_ids(client, url, world.admin.headers, **group)
    assert {r["id"] for r in january} == {data["A3"], data["A9"]}
    book = xlsx_rows(
        await client.get(url, params=group, headers=with_auth(world.admin.headers, XLSX))
    )
    assert list(book[0]) == columns(IndicatorRecord) and {r["group_key"] for r in book} == {
        "2026-01"
    }
    refused = await client.get(url, params=WINDOW, headers=with_auth(world.tutor.headers, CSV))
    assert refused.status_code == 403
