"""Exporting a site's deputies: XLSX and Popolo JSON, public fields only.

Every cell of the XLSX export and every byte of the Popolo export is searched
for the private values (ID number, mobile, address); every Popolo person,
organization, membership, post, event and area is validated against the
official schemas (copied into plugins/deputies/popolo_schemas/), and a broken
document must be rejected so the validation can fail.
"""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from plugins.deputies import models as m
from plugins.deputies import popolo
from plugins.deputies.exporter import PUBLIC_COLUMNS

#: The shared standards folder beside the repository, when it is there (not in every checkout).
UPSTREAM_SCHEMAS = Path(__file__).resolve().parents[3].parent / "shared" / "standards" / "popolo"


@pytest.fixture
def holder(register):
    """Posts and a deputy group on top of the shared register (肥西县 and 合肥市)."""
    term = register.terms["340123"]
    chair = m.Post.objects.create(term=term, role=m.Post.Role.VICE_CHAIR)
    law = m.Post.objects.create(term=term, body="法制委员会", role=m.Post.Role.MEMBER)
    person = register.people["张伟"]
    m.PostHolding.objects.create(person=person, post=chair, start_date=term.start_date)
    m.PostHolding.objects.create(
        person=person, post=law, start_date=term.start_date, end_date=datetime.date(2024, 1, 1)
    )
    group = m.DeputyGroup.objects.create(term=term, name="上派代表小组")
    m.Membership.objects.filter(person=person, term=term).update(deputy_group=group)
    return register


def private_values(register) -> list[str]:
    values = []
    for person in m.Person.objects.all():
        values += [person.id_number, person.mobile, person.address]
    assert all(values)
    return values


def test_xlsx_export_has_public_fields_and_no_private_data(client, holder, make_user):
    client.force_login(make_user("root", superuser=True))
    response = client.get("/admin/deputies/export/xlsx/?site=340123")
    assert response.status_code == 200
    assert 'filename="deputies-340123.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    cells = [str(v) for sheet in book for r in sheet.iter_rows(values_only=True) for v in r if v]
    rows = list(book["代表"].iter_rows(values_only=True))
    assert rows[0] == PUBLIC_COLUMNS
    for secret in private_values(holder):
        assert not any(secret in cell for cell in cells), secret
    by_name = {(r[0], r[2]): dict(zip(PUBLIC_COLUMNS, r, strict=True)) for r in rows[1:]}
    # 肥西县 hosts its own congress and 上派镇's; 张伟's city seat belongs to 合肥.
    assert set(by_name) == {("340123", "张伟"), ("340123", "李芳"), ("340123100", "王秀英")}
    zhang = by_name[("340123", "张伟")]
    assert zhang["届次"] == "第十八届" and zhang["政治面貌"] == "中国共产党"
    assert zhang["出生年月"] == "1990-01" and zhang["代表小组"] == "上派代表小组"
    assert zhang["职务"] == "常务委员会副主任；法制委员会委员"


def test_popolo_export_validates_against_the_official_schemas(client, holder, make_user):
    client.force_login(make_user("root", superuser=True))
    response = client.get("/admin/deputies/export/popolo/?site=340123")
    assert response.status_code == 200
    text = response.content.decode()
    for secret in private_values(holder):
        assert secret not in text
    document = json.loads(text)
    assert popolo.validate(document) == []
    for collection in ("persons", "organizations", "memberships", "posts", "events", "areas"):
        assert document[collection], collection

    orgs = {o["id"]: o for o in document["organizations"]}
    county = orgs["congress/340123"]
    assert county["classification"] == "legislature"
    assert county["identifiers"] == [{"scheme": "GB/T 2260", "identifier": "340123"}]
    committee = orgs["congress/340123/法制委员会"]
    assert (
        committee["parent_id"] == "congress/340123" and committee["classification"] == "committee"
    )
    assert orgs["party/cpc"]["name"] == "中国共产党"
    term = next(e for e in document["events"] if e["organization_id"] == "congress/340123")
    assert term["classification"] == "legislative period" and term["name"].endswith("第十八届")

    zhang = next(p for p in document["persons"] if p["name"] == "张伟")
    assert zhang["birth_date"] == "1990-01" and zhang["gender"] == "male"
    assert zhang["other_names"] == [{"name": "zhangwei", "note": "拼音"}]
    mine = [x for x in document["memberships"] if x["person_id"] == zhang["id"]]
    seat = next(x for x in mine if x.get("role") == "代表")
    assert seat["organization_id"] == "congress/340123"
    assert seat["legislative_period_id"] == term["id"]
    assert seat["area_id"] in {a["id"] for a in document["areas"]}
    posts = {p["id"]: p for p in document["posts"]}
    held = [x for x in mine if "post_id" in x]
    assert {posts[x["post_id"]]["label"] for x in held} == {"常务委员会副主任", "法制委员会委员"}
    assert any(x.get("end_date") == "2024-01-01" for x in held)
    ids = set(orgs) | set(posts) | {p["id"] for p in document["persons"]}
    for membership in document["memberships"]:
        assert {membership["person_id"], membership["organization_id"]} <= ids


def test_the_popolo_validation_can_fail_and_the_schemas_are_upstreams(register):
    broken = {
        "persons": [{"id": "p1", "name": "张伟", "birth_date": "1990/01"}],
        "organizations": [{"id": "o1", "identifiers": [{"scheme": "GB/T 2260"}]}],
        "memberships": [{"id": "m1", "start_date": "去年"}],
        "posts": [{"id": 3}],
    }
    problems = popolo.validate(broken)
    assert any(p.startswith("persons[0].birth_date") for p in problems)
    assert any(p.startswith("organizations[0].identifiers[0]") for p in problems)  # via $ref
    assert any(p.startswith("memberships[0].start_date") for p in problems)
    assert any(p.startswith("posts[0].id") for p in problems)
    if UPSTREAM_SCHEMAS.is_dir():  # the copies stay byte-identical to the shared standard
        for path in popolo.SCHEMA_DIR.glob("*.json"):
            assert path.read_bytes() == (UPSTREAM_SCHEMAS / path.name).read_bytes(), path.name


def test_the_province_exports_national_and_provincial_deputies(register, tmp_path):
    out = tmp_path / "province.json"
    call_command("export_deputies", "--format", "popolo", "--site", "340000", "--output", str(out))
    document = json.loads(out.read_text())
    assert popolo.validate(document) == []
    legislatures = {
        o["id"] for o in document["organizations"] if o["classification"] == "legislature"
    }
    assert legislatures == {"congress/100000", "congress/340000"}
    assert [p["name"] for p in document["persons"]] == ["陈静"]

    xlsx = tmp_path / "province.xlsx"
    call_command("export_deputies", "--format", "xlsx", "--site", "340000", "--output", str(xlsx))
    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert [r[2] for r in rows[1:]] == ["陈静"]


def test_a_county_editor_exports_only_their_own_site(client, register, site_group, make_user):
    client.force_login(make_user("feixi", site_group["340123"].editors_group))
    assert client.get("/admin/deputies/export/xlsx/?site=340123").status_code == 200
    for url in (
        "/admin/deputies/export/xlsx/?site=340100",
        "/admin/deputies/export/popolo/?site=340121",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/deputies/export/popolo/?site=349999").status_code == 404
