"""The resources plugin follows the plugin idioms (the framework's contract tests), and a
site with the plugin off shows nothing of it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cms.plugins import set_enabled
from cms.plugins.testing import SITE_CODES, PluginAdminTests, PluginAPITests
from cms.services import accounts
from cms.services import audience as audiences
from plugins.resources import service

from .conftest import api, make_resource, pdf_bytes

READER = "resources-reader"


def _reader():
    user, _ = get_user_model().objects.get_or_create(username=READER)
    return user


class _Published:
    """Items published to a named account: the framework's client reads as that account."""

    object_fields = {"title": "知情知政材料", "summary": "摘要"}

    def make_object(self, profile, **overrides):
        resource = super().make_object(profile, **overrides)
        service.set_audience(resource, audiences.AudienceSpec(users=(_reader().pk,)), None)
        service.publish(resource, None)
        resource.refresh_from_db()
        return resource


class TestResourceAPI(_Published, PluginAPITests):
    plugin_label = "resources"
    model = "resources.Resource"
    list_url = "/api/v1/resources/"

    @pytest.fixture
    def client(self, sites):
        tokens = accounts.issue_tokens(_reader(), device_id="test-resources-reader")
        reader = Client(HTTP_AUTHORIZATION=f"Bearer {tokens.access_token}")
        # One-time costs out of the framework's query counts: the token's first use writes
        # its last_used_at, and each site code is resolved once, then cached.
        for code in SITE_CODES:
            reader.get(f"/api/v1/resources/?site={code}")
        return reader


class TestResourceAdmin(_Published, PluginAdminTests):
    plugin_label = "resources"
    model = "resources.Resource"


@pytest.mark.django_db
def test_a_site_with_the_plugin_off_shows_nothing(client, feixi, people, office):
    resource = make_resource(feixi, "关闭插件后的材料", files=[("a.pdf", pdf_bytes())])
    file = resource.files.get()
    auth = people["张伟"].auth
    routes = [api(""), api(f"{resource.pk}/"), api(f"{resource.pk}/files/{file.pk}/"),
              api("categories/")]  # fmt: skip
    assert all(client.get(r, **auth).status_code == 200 for r in routes)
    set_enabled("resources", feixi, False)
    for route in routes:
        response = client.get(route, **auth)
        assert response.status_code == 404 and "关闭插件后的材料" not in response.content.decode()
    # Nor through a lower site's scope=ancestors, nor in the admin.
    client.force_login(office)
    assert client.get(f"/admin/resources/{resource.pk}/").status_code == 404
    assert "/admin/resources/resource/" not in client.get("/admin/").content.decode()
    set_enabled("resources", feixi, True)
    assert client.get(api(f"{resource.pk}/"), **auth).status_code == 200


@pytest.mark.django_db
def test_routes_are_documented(client):
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    for route in ("/api/v1/resources/", "/api/v1/resources/{id}/",
                  "/api/v1/resources/{id}/files/{file_id}/", "/api/v1/resources/categories/"):  # fmt: skip
        operation = paths[route]["get"]
        assert any(p["name"] == "site" and p["required"] for p in operation["parameters"]), route
