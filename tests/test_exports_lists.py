"""Lists as CSV and XLSX: the same filters and scope as JSON, every row, values as in JSON."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Company, ExternalRef, Learner
from app.schemas.learner import LearnerCreate, LearnerRead
from app.services.exports.tabular import columns
from tests.helpers_exports import CSV, XLSX, csv_rows, with_auth, xlsx_rows
from tests.helpers_learners import company_with_tutor, contract, learner

URL = "/api/v1/learners"


async def test_csv_holds_every_row_of_the_organisation_beyond_one_page(
    client, session: AsyncSession, world, other_world
) -> None:
    session.add_all(
        Learner(organisation_id=world.organisation.id, first_name="A", last_name=f"N{i}")
        for i in range(1200)
    )
    session.add(Learner(organisation_id=other_world.organisation.id, first_name="X", last_name="Y"))
    await session.commit()
    response = await client.get(
        URL, params={"limit": 5}, headers=with_auth(world.admin.headers, CSV)
    )
    rows = csv_rows(response)
    assert len(rows) == 1200
    assert len({r["id"] for r in rows}) == 1200
    assert {r["last_name"] for r in rows} == {f"N{i}" for i in range(1200)}
    assert 'filename="learners.csv"' in response.headers["content-disposition"]


async def test_csv_values_are_the_json_values(client, session: AsyncSession, world) -> None:
    row = await learner(
        session,
        world,
        first_name="Inès",
        last_name="Moreau",
        birth_date=date(2007, 3, 14),
        phone="+33 6 12 34 56 78",
        address={"line": "3, chemin des Prés", "postcode": "43100", "city": "Brioude"},
        needs=["transport", "housing"],
    )
    session.add(
        ExternalRef(
            organisation_id=world.organisation.id,
            resource="learner",
            object_id=row.id,
            source="ypareo",
            ref="A1",
        )
    )
    await session.commit()
    item = (await client.get(URL, headers=world.admin.headers)).json()["items"][0]
    (exported,) = csv_rows(await client.get(URL, headers=with_auth(world.admin.headers, CSV)))
    assert exported["id"] == item["id"]
    assert exported["first_name"] == "Inès"
    assert exported["birth_date"] == item["birth_date"] == "2007-03-14"
    assert exported["phone"] == "+33 6 12 34 56 78"
    assert exported["address.line"] == "3, chemin des Prés"
    assert exported["address.city"] == "Brioude"
    assert exported["needs"] == "transport|housing"
    assert exported["fragile"] == "false"
    assert exported["referent_id"] == ""
    assert exported["status"] == item["status"]
    assert exported["external_refs"] == "ypareo:A1"
    assert exported["version"] == str(item["version"])


async def test_export_applies_the_list_filters(client, session: AsyncSession, world) -> None:
    await learner(session, world, last_name="Durand")
    await learner(session, world, last_name="Martin")
    headers = with_auth(world.admin.headers, CSV)
    rows = csv_rows(await client.get(URL, params={"last_name": "durand"}, headers=headers))
    assert [r["last_name"] for r in rows] == ["Durand"]
    rows = csv_rows(await client.get(URL, params={"status": "under_contract"}, headers=headers))
    assert rows == []


async def test_a_tutor_exports_only_their_apprentices_without_hidden_fields(
    client, session: AsyncSession, world, other_world
) -> None:
    mine = await learner(
        session, world, address={"city": "Brioude"}, needs=["health"], fragile=True
    )
    await learner(session, world)
    await learner(session, other_world)
    company, tutor = await company_with_tutor(session, world, world["tutor"].id)
    await contract(session, world, mine, company, tutor)
    for accept, read in ((CSV, csv_rows), (XLSX, xlsx_rows)):
        response = await client.get(URL, headers=with_auth(world["tutor"].headers, accept))
        (only,) = read(response)
        assert only["id"] == mine.id
        assert only["address.city"] in ("", None)
        assert only["needs"] in ("", None)
        assert only["fragile"] in ("", None)
    contracts = csv_rows(
        await client.get("/api/v1/contracts", headers=with_auth(world["tutor"].headers, CSV))
    )
    assert [c["learner_id"] for c in contracts] == [mine.id]
    outsider = csv_rows(await client.get(URL, headers=with_auth(other_world.admin.headers, CSV)))
    assert mine.id not in {r["id"] for r in outsider}


async def test_xlsx_opens_with_every_row(client, session: AsyncSession, world) -> None:
    session.add_all(
        Company(organisation_id=world.organisation.id, name=f"Entreprise {i}") for i in range(1100)
    )
    await session.commit()
    response = await client.get("/api/v1/companies", headers=with_auth(world.admin.headers, XLSX))
    rows = xlsx_rows(response)
    assert len(rows) == 1100
    assert {r["name"] for r in rows} == {f"Entreprise {i}" for i in range(1100)}
    filtered = xlsx_rows(
        await client.get(
            "/api/v1/companies",
            params={"name": "Entreprise 1099"},
            headers=with_auth(world.admin.headers, XLSX),
        )
    )
    assert [r["name"] for r in filtered] == ["Entreprise 1099"]


async def test_a_refused_filter_is_a_problem_not_a_file(client, world) -> None:
    response = await client.get(
        "/api/v1/companies",
        params={"sensitive": "true"},
        headers=with_auth(world["tutor"].headers, CSV),
    )
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


async def test_formulas_are_defused(client, session: AsyncSession, world) -> None:
    await learner(session, world, last_name="=HYPERLINK(1)", first_name="@x")
    (row,) = csv_rows(await client.get(URL, headers=with_auth(world.admin.headers, CSV)))
    assert row["last_name"] == "'=HYPERLINK(1)"
    assert row["first_name"] == "'@x"
    (cell,) = xlsx_rows(await client.get(URL, headers=with_auth(world.admin.headers, XLSX)))
    assert cell["last_name"] == "=HYPERLINK(1)"  # stored as text, not as a formula


async def test_json_stays_the_default(client, session: AsyncSession, world) -> None:
    await learner(session, world)
    for accept in ("application/json", "*/*", "application/json, text/csv"):
        response = await client.get(URL, headers={**world.admin.headers, "Accept": accept})
        assert response.headers["content-type"] == "application/json"
        assert len(response.json()["items"]) == 1


def test_csv_headers_are_the_api_field_names_for_reimport() -> None:
    header = columns(LearnerRead)
    written = set(LearnerCreate.model_fields)
    # Every field a client may write is a column (nested ones as parent.child), so a file
    # exported here reads back through the `relais` import profile.
    for field in written:
        assert field in header or any(h.startswith(f"{field}.") for h in header), field


async def test_a_blank_reference_in_a_by_ref_path_is_a_422(client, world) -> None:
    # Found by schemathesis while checking the export contract: it answered 500.
    response = await client.put(
        "/api/v1/programmes/by-ref/ypareo/%C2%A0",
        json={"title": "BTS MCO"},
        headers=world.admin.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["path", "ref"]
