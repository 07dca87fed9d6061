"""The office in the admin: build a course (audience, lessons with files, a quiz), publish,
follow the learners; run an offline class and record attendance; coverage per term,
rolled up over the site tree, and its Excel export."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from cms.notifications.models import Notification
from cms.services import audience as audiences
from cms.services import performance
from plugins.training import service
from plugins.training.models import ClassRegistration, Course, Enrolment, OfflineClass

from .conftest import api, make_course, term_of, video_bytes

pytestmark = pytest.mark.django_db
TITLE = "人大代表履职能力提升专题"


def _finish(client, course, auth):
    for lesson in client.get(api(f"courses/{course.pk}/"), **auth).json()["lessons"]:
        url = api(f"courses/{course.pk}/lessons/{lesson['id']}/progress/")
        client.post(url, {"position": 0, "done": True}, content_type="application/json", **auth)


def test_the_office_builds_and_publishes_a_course(
    client, feixi, people, office, django_capture_on_commit_callbacks
):
    client.force_login(office)
    created = client.post("/admin/training/course/create/", {
        "site": feixi.site_id, "title": TITLE, "summary": "专题学习", "mode": "assigned",
        "hours": "2.5",
    })  # fmt: skip
    assert created.status_code == 302, created.context["form"].errors if created.context else ""
    course = Course.objects.get(title=TITLE)
    manage = f"/admin/training/courses/{course.pk}/"
    assert created["Location"] == manage and course.created_by == office

    # Publishing without an audience or lessons is refused; nothing is shown to deputies.
    client.post(manage, {"step": "publish"})
    course.refresh_from_db()
    assert course.published is False
    assert client.post(manage, {"step": "audience", "levels": ["county"]}).status_code == 302
    wrong = SimpleUploadedFile("讲座.mp4", b"%PDF-1.4 not a video", "video/mp4")
    refused = client.post(manage, {"step": "lesson", "title": "视频讲座", "kind": "video",
                                   "duration": "60", "body": "", "media": wrong})  # fmt: skip
    assert refused.status_code == 200 and "文件类型与课时类型" in refused.content.decode()
    assert course.lessons.count() == 0
    video = SimpleUploadedFile("讲座.mp4", video_bytes(), "video/mp4")
    assert client.post(manage, {"step": "lesson", "title": "视频讲座", "kind": "video",
                                "duration": "60", "body": "", "media": video}).status_code == 302  # fmt: skip
    assert (
        client.post(manage, {"step": "quiz", "title": "课后测验", "pass_mark": "80"}).status_code
        == 302
    )
    bad = client.post(manage, {"step": "question", "text": "代表任期?", "choices": "五年\n三年"})
    assert "请用 * 标出至少一个正确答案" in bad.content.decode()
    assert client.post(manage, {"step": "question", "text": "代表任期?",
                                "choices": "*五年\n三年"}).status_code == 302  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        client.post(manage, {"step": "publish"})
    course.refresh_from_db()
    assert course.published and course.quiz.pass_mark == 80
    # Assigned: the audience's members are learners before they open it.
    assert set(course.enrolments.values_list("name", flat=True)) == {"张伟", "孙丽"}
    told = Notification.objects.filter(kind="training.assigned")
    assert {n.user_id for n in told} == {people["张伟"].user.pk, people["孙丽"].user.pk}
    assert course.quiz.questions.get().choices.filter(correct=True).get().text == "五年"

    # A deputy of the audience learns; the office sees it.
    detail = client.get(api(f"courses/{course.pk}/"), **people["张伟"].auth).json()
    assert detail["lessons"][0]["media"]["content_type"] == "video/mp4"
    assert detail["quiz"]["pass_mark"] == 80
    page = client.get(manage).content.decode()
    assert "张伟" in page and "参加 2 人,已开始 0 人,已完成 0 人" in page
    preview = client.get(f"/admin/training/courses/{course.pk}/lessons/{course.lessons.get().pk}/",
                         HTTP_RANGE="bytes=0-9")  # fmt: skip
    assert preview.status_code == 206


def test_another_sites_staff_gets_404(client, feixi, changfeng_staff):
    course = make_course(feixi)
    client.force_login(changfeng_staff)
    assert client.get(f"/admin/training/courses/{course.pk}/").status_code == 404
    assert (
        client.post(f"/admin/training/courses/{course.pk}/", {"step": "unpublish"}).status_code
        == 404
    )
    course.refresh_from_db()
    assert course.published


def _class(site, **fields) -> OfflineClass:
    values = {"title": "代表履职培训班", "place": "县人大常委会三楼会议室",
              "starts_at": timezone.now() + datetime.timedelta(days=3), "capacity": 1,
              "hours": Decimal("4")}  # fmt: skip
    offline = OfflineClass.objects.create(site_id=site.site_id, **{**values, **fields})
    service.set_audience(offline, audiences.AudienceSpec(levels=("county",)), None)
    service.publish(offline, None)
    service.announce.call(offline.pk)
    return offline


def test_offline_class_registration_and_attendance(client, feixi, people, office):
    offline = _class(feixi)
    url = api(f"classes/{offline.pk}/registration/")
    zhang, sun = people["张伟"], people["孙丽"]
    first = client.post(url, **zhang.auth)
    assert first.status_code == 200 and first.json()["registered"] is True
    assert first.json()["registered_count"] == 1
    full = client.post(url, **sun.auth)
    assert full.status_code == 409 and "名额已满" in full.json()["detail"]
    assert client.delete(url, **zhang.auth).json()["registered"] is False
    assert client.post(url, **sun.auth).status_code == 200
    # The announcement reached the audience (the county's current deputies).
    told = Notification.objects.filter(kind="training.class")
    assert {n.user_id for n in told} == {zhang.user.pk, sun.user.pk}
    listed = client.get(api("classes/"), **sun.auth).json()["results"][0]
    assert listed["registered"] is True and listed["attended"] is None

    # After the class: the office records attendance; it credits the hours.
    OfflineClass.objects.filter(pk=offline.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    client.force_login(office)
    row = ClassRegistration.objects.get(offline_class=offline)
    response = client.post(f"/admin/training/classes/{offline.pk}/",
                           {"step": "attendance", "attended": [str(row.pk)]})  # fmt: skip
    assert response.status_code == 302
    summary = performance.summary(int(sun.ref), "340123")[0]
    assert summary["training_hours"] == Decimal("4")
    # Unticked: the entry goes.
    client.post(f"/admin/training/classes/{offline.pk}/", {"step": "attendance"})
    assert performance.summary(int(sun.ref), "340123")[0]["training_hours"] == Decimal("0")
    # Too late to register or cancel.
    assert client.delete(url, **sun.auth).status_code == 409


@pytest.fixture
def top_office(site_group, make_user):
    """The province's staff in the admin (a superuser: every site)."""
    return make_user("province-training-office", superuser=True)


def test_coverage_per_term_rolls_up_and_exports(client, site_group, feixi, people, top_office):
    county_course = make_course(feixi)
    _finish(client, county_course, people["张伟"].auth)  # 张伟 trained; 孙丽 not
    city_class = _class(site_group["340100"], title="合肥市代表培训班", capacity=10)
    service.set_audience(city_class, audiences.AudienceSpec(levels=("municipal",)), None)
    assert client.post(api(f"classes/{city_class.pk}/registration/", code="340100"),
                       **people["李芳"].auth).status_code == 200  # fmt: skip
    OfflineClass.objects.filter(pk=city_class.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    service.record_attendance(ClassRegistration.objects.get(offline_class=city_class), True, None)

    client.force_login(top_office)
    page = client.get("/admin/training/coverage/", {"site": "340100"})
    assert page.status_code == 200
    rows = {r["code"]: r for r in page.context["figures"]["sites"]}
    # 肥西县: current deputies 张伟 and 孙丽 (王强's seat there ended), one trained.
    assert (rows["340123"]["own_trained"], rows["340123"]["own_deputies"]) == (1, 2)
    # 合肥市: 李芳 and 王强, one trained; with the counties below: 2 of 4.
    assert (rows["340100"]["own_trained"], rows["340100"]["own_deputies"]) == (1, 2)
    assert (rows["340100"]["trained"], rows["340100"]["deputies"]) == (2, 4)
    assert rows["340100"]["rate"] == 50.0
    content = page.content.decode()
    assert "2 / 4" in content and "1 / 2" in content

    exported = client.get("/admin/training/coverage/export/", {"site": "340100"})
    assert exported.status_code == 200
    book = load_workbook(io.BytesIO(exported.content))
    sheet = book["培训覆盖情况"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "站点"
    by_code = {row[1]: row for row in values[1:]}
    assert by_code["340100"][3:8] == [1, 2, 2, 4, 50]
    assert by_code["340123"][3:5] == [1, 2]
    people_sheet = book.worksheets[1]
    names = {row[0].value: row[5].value for row in people_sheet.iter_rows(min_row=2)}
    assert names == {"李芳": "是", "王强": "否"}


def test_a_county_office_sees_its_own_coverage_only(client, feixi, people, office):
    course = make_course(feixi)
    _finish(client, course, people["孙丽"].auth)
    client.force_login(office)
    page = client.get("/admin/training/coverage/", {"site": "340100"})  # not theirs: their own
    assert [r["code"] for r in page.context["figures"]["sites"]] == ["340123"]
    row = page.context["figures"]["sites"][0]
    assert (row["own_trained"], row["own_deputies"], row["rate"]) == (1, 2, 50.0)
    assert {p["name"]: p["trained"] for p in page.context["people"]} == {
        "张伟": False,
        "孙丽": True,
    }
    # A completion before the current term began does not count for this term.
    term = term_of("340123")
    Enrolment.objects.filter(completed_at__isnull=False).update(
        completed_at=timezone.make_aware(
            datetime.datetime.combine(term.start_date, datetime.time())
        )
        - datetime.timedelta(days=1)
    )
    row = client.get("/admin/training/coverage/").context["figures"]["sites"][0]
    assert (row["own_trained"], row["own_deputies"]) == (0, 2)


def test_the_audience_form_offers_township_staff(client, feixi, office):
    course = make_course(feixi, publish=False)
    client.force_login(office)
    manage = f"/admin/training/courses/{course.pk}/"
    assert "340123100" in client.get(manage).content.decode()
    saved = client.post(manage, {"step": "audience", "townships": ["340123100"]})
    assert saved.status_code == 302
    course.refresh_from_db()
    assert audiences.spec_of(course.audience).townships == ("340123100",)
    assert "工作人员" in client.get(manage).content.decode()
