"""Courses and offline classes in the core search: found by their audience only; the
titles never reach another level's deputy, a former deputy, another site's staff or an
anonymous caller (hits, counts, facets, suggestions)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from cms.services import audience as audiences
from plugins.training import service
from plugins.training.models import OfflineClass

from .conftest import make_course, staff_auth

pytestmark = pytest.mark.django_db
TITLE = "监督法专题辅导课程"
WORD = "监督法"


def _get(client, route, auth, **query):
    params = {"q": WORD, "site": "340123", **query}
    return client.get(f"/api/v1/search/{route}", params, **auth)


@pytest.fixture
def both(feixi, people):
    course = make_course(feixi, TITLE)
    offline = OfflineClass.objects.create(
        site_id=feixi.site_id, title="监督法专题线下培训班", place="县人大常委会三楼会议室",
        starts_at=timezone.now() + datetime.timedelta(days=7), capacity=30,
    )  # fmt: skip
    service.set_audience(offline, audiences.AudienceSpec(levels=("county",)), None)
    service.publish(offline, None)
    return course, offline


def test_the_audience_finds_courses_and_classes(client, both, people):
    course, offline = both
    found = _get(client, "", people["张伟"].auth).json()
    assert {(h["type"], h["id"]) for h in found["results"]} == {
        ("training.course", course.pk), ("training.class", offline.pk)
    }  # fmt: skip
    urls = {h["url"] for h in found["results"]}
    assert f"/api/v1/training/courses/{course.pk}/?site=340123" in urls
    assert {f["value"] for f in found["facets"]["type"]} == {"training.course", "training.class"}
    suggested = _get(client, "suggest/", people["孙丽"].auth).json()["results"]
    assert len(suggested) == 2


def test_nobody_else_learns_of_them(client, both, people, changfeng_staff):
    for who, auth in (("another level", people["李芳"].auth), ("former", people["王强"].auth),
                      ("other site's staff", staff_auth(changfeng_staff)), ("anonymous", {})):  # fmt: skip
        for route in ("", "suggest/"):
            for query in ({}, {"site": "340000", "scope": "descendants"}):
                body = _get(client, route, auth, **query).json()
                body.pop("query")
                shown = json.dumps(body, ensure_ascii=False)
                assert WORD not in shown and "training." not in shown, (who, route, query)


def test_an_unpublished_course_leaves_the_search(client, both, people):
    course, _offline = both
    course.published = False
    course.save(update_fields=["published"])
    found = _get(client, "", people["张伟"].auth, kind="training.course").json()
    assert found["count"] == 0
