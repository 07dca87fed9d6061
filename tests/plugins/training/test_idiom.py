"""The training plugin follows the plugin idioms (the framework's contract tests), and a
site with the plugin off shows nothing of it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cms.plugins import set_enabled
from cms.plugins.testing import SITE_CODES, PluginAdminTests, PluginAPITests
from cms.services import accounts
from cms.services import audience as audiences
from plugins.training import service
from plugins.training.models import Lesson

from .conftest import api, make_course, video_bytes

LEARNER = "training-learner"


def _learner():
    user, _ = get_user_model().objects.get_or_create(username=LEARNER)
    return user


class _Published:
    """Courses published to a named account: the framework's client reads as that account."""

    object_fields = {"title": "培训课程", "summary": "简介"}

    def make_object(self, profile, **overrides):
        course = super().make_object(profile, **overrides)
        Lesson.objects.create(course=course, title="第一课", kind="text", body="正文")
        service.set_audience(course, audiences.AudienceSpec(users=(_learner().pk,)), None)
        service.publish(course, None)
        course.refresh_from_db()
        return course


class TestCourseAPI(_Published, PluginAPITests):
    plugin_label = "training"
    model = "training.Course"
    list_url = "/api/v1/training/courses/"

    @pytest.fixture
    def client(self, sites):
        tokens = accounts.issue_tokens(_learner(), device_id="test-training-learner")
        learner = Client(HTTP_AUTHORIZATION=f"Bearer {tokens.access_token}")
        for code in SITE_CODES:
            learner.get(f"/api/v1/training/courses/?site={code}")
        return learner


class TestCourseAdmin(_Published, PluginAdminTests):
    plugin_label = "training"
    model = "training.Course"


@pytest.mark.django_db
def test_a_site_with_the_plugin_off_shows_nothing(client, feixi, people, office):
    course = make_course(feixi, "关闭插件后的课程", video=video_bytes())
    lesson = course.lessons.get(kind="video")
    auth = people["张伟"].auth
    routes = [api("courses/"), api(f"courses/{course.pk}/"),
              api(f"courses/{course.pk}/lessons/{lesson.pk}/media/")]  # fmt: skip
    assert all(client.get(r, **auth).status_code == 200 for r in routes)
    set_enabled("training", feixi, False)
    for route in routes:
        response = client.get(route, **auth)
        assert response.status_code == 404
        assert "关闭插件后的课程" not in response.content.decode()
    client.force_login(office)
    assert client.get(f"/admin/training/courses/{course.pk}/").status_code == 404
    assert client.get("/admin/training/coverage/").status_code == 404
    set_enabled("training", feixi, True)
    assert client.get(api(f"courses/{course.pk}/"), **auth).status_code == 200


@pytest.mark.django_db
def test_routes_are_documented(client):
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    base = "/api/v1/training/courses/{id}/"
    for route in ("/api/v1/training/courses/", base, f"{base}quiz/", f"{base}certificate/",
                  base + "lessons/{lesson_id}/media/", "/api/v1/training/classes/"):  # fmt: skip
        operation = paths[route]["get"]
        assert any(p["name"] == "site" and p["required"] for p in operation["parameters"]), route
