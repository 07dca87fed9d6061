"""Nobody outside an item's audience learns it exists: the same 404 from every side."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.services import audience as audiences
from plugins.resources import service
from plugins.resources.models import Resource

from .conftest import api, make_deputy, make_resource, pdf_bytes, staff_auth, term_of

pytestmark = pytest.mark.django_db
TITLE = "关于2026年预算执行情况的报告"
MISSING = {"type": "urn:lianxi:problem:not-found", "title": "未找到", "status": 404,
           "detail": "请求的资源不存在。"}  # fmt: skip


def _routes(resource) -> list[str]:
    file = resource.files.first()
    return [api(f"{resource.pk}/"), api(f"{resource.pk}/files/{file.pk}/")]


def _assert_hidden(client, resource, auth: dict, why: str) -> None:
    """Detail and file answer exactly what a missing id answers; the list and the
    categories hold nothing of it."""
    missing = [api("999999/"), api("999999/files/1/")]
    for route, crafted in zip(_routes(resource), missing, strict=True):
        got, expected = client.get(route, **auth), client.get(crafted, **auth)
        assert got.status_code == expected.status_code == 404, (why, route)
        assert got.json() == expected.json() == MISSING, why
        assert got["Content-Type"] == expected["Content-Type"]
        assert got["Cache-Control"] == "private, no-store"
    if auth:
        listed = client.get(api(""), **auth)
        assert listed.status_code == 200 and listed.json()["count"] == 0, why
        assert TITLE not in listed.content.decode()
        categories = client.get(api("categories/"), **auth)
        assert categories.json()["count"] == 0, why


@pytest.fixture
def item(feixi, people):
    from plugins.resources.models import Category

    category = Category.objects.create(site_id=feixi.site_id, name="重要文件")
    return make_resource(feixi, TITLE, category=category,
                         files=[("报告.pdf", pdf_bytes()), ("图.png", _png())])  # fmt: skip


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(out, "PNG")
    return out.getvalue()


def test_the_audience_reads_it(client, item, people):
    auth = people["张伟"].auth
    listed = client.get(api(""), **auth).json()
    assert [r["id"] for r in listed["results"]] == [item.pk]
    assert listed["results"][0]["category"]["name"] == "重要文件"
    for route in _routes(item):
        assert client.get(route, **auth).status_code == 200
    assert client.get(api("categories/"), **auth).json()["results"][0]["name"] == "重要文件"


def test_every_outsider_gets_the_same_404(client, item, people, changfeng_staff):
    _assert_hidden(client, item, {}, "anonymous")
    _assert_hidden(client, item, people["李芳"].auth, "a deputy of another level (the city)")
    _assert_hidden(client, item, people["王强"].auth, "a former county deputy")
    _assert_hidden(client, item, staff_auth(changfeng_staff), "staff of another site")
    # A crafted id next to the real one, a non-numeric one, another site's code.
    auth = people["张伟"].auth
    assert client.get(api(f"{item.pk + 1}/"), **auth).json() == MISSING
    assert (
        client.get(api(f"{item.pk}/files/{item.files.first().pk + 100}/"), **auth).json() == MISSING
    )
    assert client.get(api(f"{item.pk}/", code="340121"), **auth).json() == MISSING


def test_the_list_needs_a_login(client, item):
    response = client.get(api(""))
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert TITLE not in response.content.decode()


def test_a_former_deputy_is_in_when_the_audience_says_so(client, feixi, people):
    resource = make_resource(feixi, TITLE, files=[("报告.pdf", pdf_bytes())],
                             spec=audiences.AudienceSpec(levels=("county",), include_former=True))  # fmt: skip
    assert client.get(api(f"{resource.pk}/"), **people["王强"].auth).status_code == 200
    _assert_hidden(client, resource, people["李芳"].auth, "still another level")


def test_a_higher_site_reaches_the_levels_below_it(client, site_group, feixi, people):
    """The province's audience "county deputies" covers every county below it; 肥西's own
    "municipal deputies" reaches nobody (no city congress below a county)."""
    province = make_resource(site_group["340000"], "全省材料",
                             spec=audiences.AudienceSpec(levels=("county",)))  # fmt: skip
    county = make_resource(feixi, "县级材料", spec=audiences.AudienceSpec(levels=("municipal",)))
    auth = people["张伟"].auth
    assert client.get(api(f"{province.pk}/", code="340000"), **auth).status_code == 200
    assert client.get(api(f"{county.pk}/"), **people["李芳"].auth).status_code == 404
    # scope=ancestors lists the sites above too; the county's own item is not his.
    mine = client.get(api("", scope="ancestors"), **auth).json()["results"]
    assert [(r["id"], r["site"]["code"]) for r in mine] == [(province.pk, "340000")]


def test_terms_delegations_groups_staff_and_named_people(client, feixi, people, office,
                                                        changfeng_staff):  # fmt: skip
    term = term_of("340123")
    delegation = people["孙丽"].person.memberships.get().delegation
    group = people["孙丽"].person.memberships.get().deputy_group
    cases = [
        (audiences.AudienceSpec(terms=(str(term.pk),)), {"张伟", "孙丽"}),
        (audiences.AudienceSpec(congresses=(str(term.congress_id),)), {"张伟", "孙丽"}),
        (audiences.AudienceSpec(delegations=(str(delegation.pk),)), {"孙丽"}),
        (audiences.AudienceSpec(groups=(str(group.pk),)), {"孙丽"}),
        (audiences.AudienceSpec(terms=(str(term.pk),), include_former=True),
         {"张伟", "孙丽", "王强"}),
        (audiences.AudienceSpec(staff_sites=(feixi.site_id,)), {"office"}),
        (audiences.AudienceSpec(deputies=(people["李芳"].ref,)), {"李芳"}),
        (audiences.AudienceSpec(users=(changfeng_staff.pk,)), {"changfeng"}),
    ]  # fmt: skip
    readers = {**{n: d.auth for n, d in people.items()}, "office": staff_auth(office),
               "changfeng": staff_auth(changfeng_staff)}  # fmt: skip
    users = {**{n: d.user for n, d in people.items()}, "office": office,
             "changfeng": changfeng_staff}  # fmt: skip
    for n, (spec, expected) in enumerate(cases):
        resource = make_resource(feixi, f"材料{n}", spec=spec)
        seen = {name for name, auth in readers.items()
                if client.get(api(f"{resource.pk}/"), **auth).status_code == 200}  # fmt: skip
        assert seen == expected, spec
        # members() (who gets the push) agrees with includes() (who may read).
        members = {u.pk for u in audiences.members(resource.audience)}
        assert members == {users[name].pk for name in expected}, spec
        assert all(audiences.includes(users[name], resource.audience) == (name in expected)
                   for name in users)  # fmt: skip


def test_withdrawn_expired_and_draft_items_are_gone(client, feixi, people):
    auth = people["张伟"].auth
    draft = make_resource(feixi, "草稿", publish=False)
    expired = make_resource(
        feixi, "过期", expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    withdrawn = make_resource(feixi, "撤回")
    service.withdraw(withdrawn, None)
    for resource in (draft, expired, withdrawn):
        assert client.get(api(f"{resource.pk}/"), **auth).json() == MISSING
    assert client.get(api(""), **auth).json()["count"] == 0


def test_an_inactive_or_closed_account_sees_nothing(client, feixi, people):
    resource = make_resource(feixi, TITLE)
    user = people["张伟"].user
    assert audiences.includes(user, resource.audience)
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert not audiences.includes(get_user_model().objects.get(pk=user.pk), resource.audience)
    # The token itself is refused now, for the real id exactly as for a crafted one.
    real = client.get(api(f"{resource.pk}/"), **people["张伟"].auth)
    crafted = client.get(api("999999/"), **people["张伟"].auth)
    assert real.status_code == crafted.status_code == 401 and real.json() == crafted.json()


def test_the_list_is_filtered_in_sql_with_a_constant_number_of_queries(client, feixi, people):
    auth = people["张伟"].auth
    make_resource(feixi, "第一份")
    client.get(api(""), **auth)  # the token's first use of the day writes its last_used_at
    with CaptureQueriesContext(connection) as one:
        assert client.get(api(""), **auth).json()["count"] == 1
    for n in range(6):
        make_resource(feixi, f"第{n + 2}份")
        make_resource(feixi, f"别人的{n}", spec=audiences.AudienceSpec(levels=("municipal",)))
    with CaptureQueriesContext(connection) as seven:
        assert client.get(api(""), **auth).json()["count"] == 7
    assert len(seven) == len(one), [q["sql"] for q in seven.captured_queries]


def test_unread_first_and_the_filters(client, feixi, people):
    from plugins.resources.models import Category, Issuer, Kind

    auth = people["张伟"].auth
    category = Category.objects.create(site_id=feixi.site_id, name="参考")
    old = make_resource(feixi, "法院工作报告", issuer=Issuer.COURT, kind=Kind.WORK_INFO)
    new = make_resource(feixi, "调研报告:乡村振兴", kind=Kind.RESEARCH, category=category,
                        summary="关于乡村振兴的调研")  # fmt: skip
    Resource.objects.filter(pk=old.pk).update(
        published_at=timezone.now() - datetime.timedelta(days=3)
    )
    assert [r["id"] for r in client.get(api(""), **auth).json()["results"]] == [new.pk, old.pk]
    client.get(api(f"{new.pk}/"), **auth)  # read: goes after the unread one
    listed = client.get(api(""), **auth).json()["results"]
    assert [(r["id"], r["read"]) for r in listed] == [(old.pk, False), (new.pk, True)]
    assert listed[1]["read_at"] is not None

    def ids(**query):
        return [r["id"] for r in client.get(api("", **query), **auth).json()["results"]]

    assert ids(kind="research") == [new.pk]
    assert ids(issuer="court") == [old.pk]
    assert ids(category=category.pk) == [new.pk]
    assert ids(unread="true") == [old.pk]
    assert ids(q="乡村 调研") == [new.pk]
    assert ids(q="报告") == [old.pk, new.pk]
    bad = client.get(api("", kind="secret"), **auth)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "kind"


def test_the_service_refuses_what_is_not_on_the_site(feixi, site_group, people):
    other = term_of("340121")
    with pytest.raises(ValidationError) as refused:
        audiences.validate(audiences.AudienceSpec(terms=(str(other.pk),)), feixi)
    assert "terms" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        audiences.validate(
            audiences.AudienceSpec(staff_sites=(site_group["340100"].site_id,)), feixi
        )
    assert "staff_sites" in refused.value.message_dict
    with pytest.raises(ValidationError):
        audiences.validate(audiences.AudienceSpec(), feixi)
    spec = audiences.AudienceSpec(levels=("county",), deputies=(people["李芳"].ref,))
    row = audiences.save(spec, site=feixi)
    assert audiences.spec_of(row) == audiences.validate(spec, feixi)
    assert audiences.describe(row) == "县级人大代表(肥西县人大常委会及以下);李芳"


def test_a_new_deputy_of_the_audience_sees_an_older_item(client, feixi, people):
    resource = make_resource(feixi, TITLE)
    newcomer = make_deputy("周新", "13900000109", "340123")
    assert client.get(api(f"{resource.pk}/"), **newcomer.auth).status_code == 200
