"""The laws library (the site's and the sites above's public regulation pages, by the
core's page visibility), courses linking regulation pages (chosen in the admin), and
lectures (讲座) as a kind of course, filterable."""

from __future__ import annotations

import pytest
from wagtail.models import Page

from cms.content.models import ColumnPage, Confidentiality, RegulationPage
from plugins.training.models import Course, CourseLaw

from .conftest import api, make_course

pytestmark = pytest.mark.django_db


def regulation(site_group, code, title, *, column="regulations", live=True, public=True,
               date="2026-06-01", **fields) -> RegulationPage:  # fmt: skip
    root = Page.objects.get(pk=site_group[code].site.root_page_id)
    parent = ColumnPage.objects.child_of(root).get(slug=column)
    page = RegulationPage(
        title=title, slug=f"r{RegulationPage.objects.count() + 1}", date=date,
        adopting_body=fields.pop("adopting_body", "安徽省人民代表大会常务委员会"),
        live=False, **fields,
    )  # fmt: skip
    parent.add_child(instance=page)
    if live:
        page.save_revision().publish()
    if not public:
        make_private(page)
    page.refresh_from_db()
    return page


def make_private(page) -> None:
    """Marked 不公开 after publication (live, but no public surface may show it)."""
    RegulationPage.objects.filter(pk=page.pk).update(confidentiality=Confidentiality.NOT_PUBLIC)


@pytest.fixture
def laws(site_group, feixi):
    return {
        "province": regulation(site_group, "340000", "安徽省各级人民代表大会常务委员会监督条例",
                               document_number="省人大常委会公告第12号", date="2026-03-01"),
        "city": regulation(site_group, "340100", "合肥市人大代表建议办理条例",
                           adopting_body="合肥市人民代表大会常务委员会", date="2026-05-01"),
        "private": regulation(site_group, "340100", "合肥市内部工作规程(不公开)", public=False),
        "draft": regulation(site_group, "340000", "安徽省代表法实施办法(草稿)", live=False),
        "other city": regulation(site_group, "340200", "芜湖市城市管理条例",
                                 adopting_body="芜湖市人民代表大会常务委员会"),
        "county": regulation(site_group, "340123", "肥西县人大常委会议事规则",
                             column="decisions", adopting_body="肥西县人大常委会",
                             date="2026-07-01"),
    }  # fmt: skip


def test_the_library_lists_the_public_regulations_of_the_site_and_above(client, people, laws):
    auth = people["张伟"].auth
    listed = client.get(api("laws/"), **auth)
    assert listed.status_code == 200 and listed["Cache-Control"] == "private, no-store"
    body = listed.json()
    titles = [row["title"] for row in body["results"]]
    assert titles == [laws["county"].title, laws["city"].title, laws["province"].title]
    assert body["count"] == 3
    province = body["results"][2]
    assert province["document_number"] == "省人大常委会公告第12号"
    assert province["status"] == "in_force" and province["status_label"] == "现行有效"
    assert province["date"] == "2026-03-01" and province["site"] == "340000"
    assert province["api_url"] == f"/api/v1/pages/{laws['province'].pk}/?site=340000"
    # The page detail answers where the library points.
    assert client.get(province["api_url"]).status_code == 200
    # q: all words, in the title, the number or the adopting body.
    found = client.get(api("laws/", q="合肥市 条例"), **auth).json()["results"]
    assert [row["title"] for row in found] == [laws["city"].title]
    assert client.get(api("laws/", q="公告第12号"), **auth).json()["count"] == 1
    # The province's deputies see the province's only; a township code reaches its county.
    assert [
        r["title"] for r in client.get(api("laws/", code="340000"), **auth).json()["results"]
    ] == [laws["province"].title]
    township = client.get(api("laws/", code="340123100"), **auth).json()["results"]
    assert [r["title"] for r in township] == titles
    assert township[0]["api_url"].endswith("site=340123")


def test_the_library_needs_a_login_and_takes_no_bad_input(client, laws):
    assert client.get(api("laws/")).status_code == 401
    bad = client.get(api("laws/", q=" ".join("词" * 9)), HTTP_AUTHORIZATION="Bearer x")
    assert bad.status_code in (400, 401)


def test_the_office_links_regulation_pages_to_a_course(client, feixi, people, office, laws):
    course = make_course(feixi, "监督法学习")
    client.force_login(office)
    manage = f"/admin/training/courses/{course.pk}/"
    page = client.get(manage).content.decode()
    assert 'id="law-form"' in page and 'class="chooser page-chooser' in page  # Wagtail's chooser
    for key in ("city", "province"):
        assert client.post(manage, {"step": "law", "page": laws[key].pk}).status_code == 302
    for key in ("private", "draft", "other city"):
        refused = client.post(manage, {"step": "law", "page": laws[key].pk})
        assert refused.status_code == 200, key
        assert "只能关联本站点或上级站点已发布、公开的法规页面" in refused.content.decode()
    assert list(CourseLaw.objects.filter(course=course).values_list("page_id", flat=True)) == [
        laws["city"].pk, laws["province"].pk
    ]  # fmt: skip
    detail = client.get(api(f"courses/{course.pk}/"), **people["张伟"].auth).json()
    assert [law["title"] for law in detail["laws"]] == [laws["city"].title, laws["province"].title]
    # A linked page made private leaves the course's list (and the admin says so).
    make_private(laws["city"])
    detail = client.get(api(f"courses/{course.pk}/"), **people["张伟"].auth).json()
    assert [law["title"] for law in detail["laws"]] == [laws["province"].title]
    assert "未公开(学员看不到)" in client.get(manage).content.decode()
    assert (
        client.post(manage, {"step": "remove_law", "page": laws["province"].pk}).status_code == 302
    )
    assert not CourseLaw.objects.filter(course=course, page=laws["province"]).exists()


def test_lectures_are_courses_of_their_own_kind(client, feixi, people, office):
    client.force_login(office)
    created = client.post("/admin/training/course/create/", {
        "site": feixi.site_id, "title": "代表如何参与立法(讲座)", "kind": "lecture",
        "speaker": "陈立新", "summary": "专题讲座", "mode": "open", "hours": "1.5",
    })  # fmt: skip
    assert created.status_code == 302
    lecture = Course.objects.get(kind="lecture")
    assert lecture.speaker == "陈立新"
    listing = client.get("/admin/training/course/?kind__exact=lecture").content.decode()
    assert "代表如何参与立法(讲座)" in listing
    make_course(feixi, "宪法学习")
    from cms.services import audience as audiences
    from plugins.training import service

    Lesson = lecture.lessons.model
    Lesson.objects.create(course=lecture, title="讲座要点", kind="text", body="……")
    service.set_audience(lecture, audiences.AudienceSpec(levels=("county",)), None)
    service.publish(lecture, None)
    auth = people["张伟"].auth
    all_of_them = client.get(api("courses/"), **auth).json()["results"]
    assert {(c["title"], c["kind"]) for c in all_of_them} == {
        ("代表如何参与立法(讲座)", "lecture"), ("宪法学习", "course")
    }  # fmt: skip
    lectures = client.get(api("courses/", kind="lecture"), **auth).json()["results"]
    assert [(c["kind_label"], c["speaker"]) for c in lectures] == [("讲座", "陈立新")]
    assert client.get(api("courses/", kind="seminar"), **auth).status_code == 400
