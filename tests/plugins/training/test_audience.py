"""Nobody outside a course's (or a class's) audience learns it exists: the same 404 from
every side, on every route."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cms.services import audience as audiences
from plugins.training import service
from plugins.training.models import OfflineClass

from .conftest import api, make_course, staff_auth, video_bytes

pytestmark = pytest.mark.django_db
TITLE = "宪法和代表法学习"
MISSING = {"type": "urn:lianxi:problem:not-found", "title": "未找到", "status": 404,
           "detail": "请求的资源不存在。"}  # fmt: skip


def _routes(course, offline) -> list[tuple[str, str]]:
    lesson = course.lessons.order_by("order").first()
    return [
        ("get", api(f"courses/{course.pk}/")),
        ("post", api(f"courses/{course.pk}/enrol/")),
        ("get", api(f"courses/{course.pk}/lessons/{lesson.pk}/media/")),
        ("post", api(f"courses/{course.pk}/lessons/{lesson.pk}/progress/")),
        ("get", api(f"courses/{course.pk}/quiz/")),
        ("post", api(f"courses/{course.pk}/quiz/")),
        ("get", api(f"courses/{course.pk}/certificate/")),
        ("get", api(f"classes/{offline.pk}/")),
        ("post", api(f"classes/{offline.pk}/registration/")),
        ("delete", api(f"classes/{offline.pk}/registration/")),
    ]


def _crafted(route: str, course, offline) -> str:
    return route.replace(f"/{course.pk}/", "/999999/").replace(f"/{offline.pk}/", "/999999/")


def _assert_hidden(client, course, offline, auth: dict, why: str) -> None:
    for method, route in _routes(course, offline):
        body = {"position": 10} if route.endswith("progress/?site=340123") else {}
        got = getattr(client, method)(route, body, content_type="application/json", **auth)
        crafted = getattr(client, method)(_crafted(route, course, offline), body,
                                          content_type="application/json", **auth)  # fmt: skip
        assert got.status_code == crafted.status_code == 404, (why, route, got.status_code)
        assert got.json() == crafted.json() == MISSING, (why, route)
        assert got["Cache-Control"] == "private, no-store"
    if auth:
        for listing in ("courses/", "classes/"):
            listed = client.get(api(listing), **auth)
            assert listed.status_code == 200 and listed.json()["count"] == 0, (why, listing)
            assert TITLE not in listed.content.decode()


@pytest.fixture
def both(feixi, people):
    course = make_course(feixi, TITLE, video=video_bytes(), quiz=True)
    offline = OfflineClass.objects.create(
        site_id=feixi.site_id, title=f"{TITLE}线下班", place="县人大常委会三楼会议室",
        starts_at=timezone.now() + datetime.timedelta(days=7), capacity=30,
    )  # fmt: skip
    service.set_audience(offline, audiences.AudienceSpec(levels=("county",)), None)
    service.publish(offline, None)
    return course, offline


def test_the_audience_sees_them(client, both, people):
    course, offline = both
    auth = people["张伟"].auth
    listed = client.get(api("courses/"), **auth).json()
    assert [c["id"] for c in listed["results"]] == [course.pk]
    assert listed["results"][0]["enrolled"] is True  # assigned: enrolled on first sight
    assert client.get(api(f"courses/{course.pk}/"), **auth).status_code == 200
    assert client.get(api("classes/"), **auth).json()["count"] == 1
    # A county's course is not among the city's: the city's site does not list the
    # sites below it (only a site and those above it).
    assert client.get(api("courses/", code="340100"), **auth).json()["count"] == 0


def test_every_outsider_gets_the_same_404(client, both, people, changfeng_staff):
    course, offline = both
    _assert_hidden(client, course, offline, {}, "anonymous")
    _assert_hidden(client, course, offline, people["李芳"].auth, "a deputy of another level")
    _assert_hidden(client, course, offline, people["王强"].auth, "a former deputy")
    _assert_hidden(client, course, offline, staff_auth(changfeng_staff), "another site's staff")


def test_unpublished_and_former_with_include_former(client, both, people):
    course, offline = both
    service.unpublish(course, None)
    assert client.get(api(f"courses/{course.pk}/"), **people["张伟"].auth).status_code == 404
    service.publish(course, None)
    service.set_audience(course, audiences.AudienceSpec(levels=("county",), include_former=True),
                         None)  # fmt: skip
    assert client.get(api(f"courses/{course.pk}/"), **people["王强"].auth).status_code == 200


def test_a_list_needs_a_login(client, both):
    response = client.get(api("courses/"))
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
