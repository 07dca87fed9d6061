"""Base test cases a plugin's tests reuse (pytest + pytest-django).

Subclass and declare; every test below then runs against your plugin::

    from cms.plugins.testing import PluginAdminTests, PluginAPITests

    class TestHelloAPI(PluginAPITests):
        plugin_label = "hello"
        model = "hello.Entry"                     # a SiteOwnedModel
        object_fields = {"title": "条目"}          # what make_object() creates
        list_url = "/api/v1/hello/entries/"
        create_payload = {"title": "新条目"}       # leave empty for read-only APIs

    class TestHelloAdmin(PluginAdminTests):
        plugin_label = "hello"
        model = "hello.Entry"
        object_fields = {"title": "条目"}

They cover: list and detail of one site's rows; another site's row is 404;
missing/unknown ``site``; per-site enablement (404 when off, data back when on);
anonymous writes refused and the site's staff allowed; a list whose query count
does not grow with its length; the route in the OpenAPI document; and the
admin menu and listing following site isolation and the switch.
Override ``make_object`` for models that need more than ``object_fields``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .registry import set_enabled

#: Two sites of the group the base tests use (created if the database lacks them).
SITE_CODES = ("340000", "340100")
UNKNOWN_CODE = "349999"


def ensure_sites():
    """The province and Hefei site profiles, provisioned when missing."""
    from cms.sitegroup.models import SiteProfile
    from cms.sitegroup.provisioning import SiteSpec, provision_site

    found = {p.division_code: p for p in SiteProfile.objects.filter(division_code__in=SITE_CODES)}
    if "340000" not in found:
        found["340000"] = provision_site(SiteSpec("340000", "安徽省人大常委会", "安徽省", "安徽"))[
            0
        ]
    if "340100" not in found:
        found["340100"] = provision_site(
            SiteSpec("340100", "合肥市人大常委会", "合肥市", "合肥", parent_code="340000")
        )[0]
    return found["340000"], found["340100"]


class PluginTestBase:
    plugin_label: ClassVar[str] = ""
    model: ClassVar[Any] = ""
    object_fields: ClassVar[dict[str, Any]] = {}

    @pytest.fixture(autouse=True)
    def _plugin_test_settings(self, settings):
        # Production security switches are on whenever DEBUG is off; the test
        # client speaks plain HTTP.
        settings.SECURE_SSL_REDIRECT = False

    @pytest.fixture(scope="class", autouse=True)
    @classmethod
    def _plugin_sites_once(cls, django_db_setup, django_db_blocker):
        # Provisioning a site builds pages and groups: do it once, outside the
        # per-test transactions (a no-op where the sites exist already).
        with django_db_blocker.unblock():
            ensure_sites()

    @pytest.fixture
    def sites(self, db):
        """(site A, site B): two site profiles with the plugin switched on."""
        site_a, site_b = ensure_sites()
        for profile in (site_a, site_b):
            set_enabled(self.plugin_label, profile, True)
        return site_a, site_b

    @property
    def model_class(self):
        return apps.get_model(self.model) if isinstance(self.model, str) else self.model

    def make_object(self, profile, **overrides):
        fields = {**self.object_fields, **overrides}
        return self.model_class.objects.create(site_id=profile.site_id, **fields)

    def make_staff(self, profile, *actions: str, username: str = "plugin-staff"):
        """A user of ``profile``'s editors group with the model permissions ``actions``."""
        user = get_user_model().objects.create_user(username=username, password="pw-lianxi-test")
        if profile.editors_group is not None:
            user.groups.add(profile.editors_group)
        opts = self.model_class._meta
        perms = Permission.objects.filter(
            content_type__app_label=opts.app_label,
            codename__in=[f"{a}_{opts.model_name}" for a in actions],
        )
        user.user_permissions.add(*perms)
        return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


class PluginAPITests(PluginTestBase):
    list_url: ClassVar[str] = ""
    create_payload: ClassVar[dict[str, Any]] = {}

    def url(self, path: str, profile_or_code) -> str:
        code = getattr(profile_or_code, "division_code", profile_or_code)
        return f"{path}?site={code}"

    def detail_url(self, obj) -> str:
        return f"{self.list_url}{obj.pk}/"

    @staticmethod
    def items(response) -> list:
        data = response.json()
        return data["results"] if isinstance(data, dict) and "results" in data else data

    def test_list_shows_only_this_sites_rows(self, client, sites):
        site_a, site_b = sites
        mine = self.make_object(site_a)
        self.make_object(site_b)
        response = client.get(self.url(self.list_url, site_a))
        assert response.status_code == 200, response.content
        assert [item["id"] for item in self.items(response)] == [mine.pk]

    def test_detail_and_another_sites_row(self, client, sites):
        site_a, site_b = sites
        mine, theirs = self.make_object(site_a), self.make_object(site_b)
        response = client.get(self.url(self.detail_url(mine), site_a))
        assert response.status_code == 200 and response.json()["id"] == mine.pk
        assert client.get(self.url(self.detail_url(theirs), site_a)).status_code == 404

    def test_site_is_required_and_must_exist(self, client, sites):
        response = client.get(self.list_url)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("application/problem+json")
        response = client.get(self.url(self.list_url, UNKNOWN_CODE))
        assert response.status_code == 404
        assert response.json()["status"] == 404

    def test_switched_off_site_answers_404_and_keeps_its_data(self, client, sites):
        site_a, site_b = sites
        obj = self.make_object(site_a)
        self.make_object(site_b)
        set_enabled(self.plugin_label, site_a, False)
        assert client.get(self.url(self.list_url, site_a)).status_code == 404
        assert client.get(self.url(self.detail_url(obj), site_a)).status_code == 404
        assert client.get(self.url(self.list_url, site_b)).status_code == 200
        set_enabled(self.plugin_label, site_a, True)
        response = client.get(self.url(self.list_url, site_a))
        assert [item["id"] for item in self.items(response)] == [obj.pk]

    def test_anonymous_cannot_write(self, client, sites):
        if not self.create_payload:
            pytest.skip("read-only API")
        site_a, _ = sites
        before = self.model_class.objects.count()
        response = client.post(
            self.url(self.list_url, site_a), self.create_payload, content_type="application/json"
        )
        assert response.status_code in (401, 403)
        assert self.model_class.objects.count() == before

    def test_site_staff_write_to_their_site_only(self, client, sites):
        if not self.create_payload:
            pytest.skip("read-only API")
        site_a, site_b = sites
        client.force_login(self.make_staff(site_a, "add", "change", "view"))
        response = client.post(
            self.url(self.list_url, site_a), self.create_payload, content_type="application/json"
        )
        assert response.status_code == 201, response.content
        assert self.model_class.objects.get(pk=response.json()["id"]).site_id == site_a.site_id
        response = client.post(
            self.url(self.list_url, site_b), self.create_payload, content_type="application/json"
        )
        assert response.status_code == 403

    def test_a_retried_post_with_its_idempotency_key_creates_one_row(self, client, sites):
        if not self.create_payload:
            pytest.skip("read-only API")
        site_a, _ = sites
        client.force_login(self.make_staff(site_a, "add", "change", "view"))
        url, before = self.url(self.list_url, site_a), self.model_class.objects.count()
        key = "retry-0123456789"
        first = client.post(url, self.create_payload, content_type="application/json",
                            HTTP_IDEMPOTENCY_KEY=key)  # fmt: skip
        again = client.post(url, self.create_payload, content_type="application/json",
                            HTTP_IDEMPOTENCY_KEY=key)  # fmt: skip
        assert first.status_code == again.status_code == 201, first.content
        assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
        assert self.model_class.objects.count() == before + 1

    def test_list_query_count_does_not_grow_with_rows(self, client, sites):
        site_a, _ = sites
        self.make_object(site_a)
        url = self.url(self.list_url, site_a)
        with CaptureQueriesContext(connection) as one:
            assert client.get(url).status_code == 200
        for _ in range(4):
            self.make_object(site_a)
        with CaptureQueriesContext(connection) as five:
            assert len(self.items(client.get(url))) == 5
        assert len(five) == len(one), [q["sql"] for q in five.captured_queries]

    def test_route_is_in_the_openapi_document(self, client, sites):
        response = client.get("/api/v1/schema/?format=json")
        assert response.status_code == 200
        paths = response.json()["paths"]
        assert self.list_url in paths
        params = paths[self.list_url]["get"]["parameters"]
        assert any(p["name"] == "site" and p["required"] for p in params)


class PluginAdminTests(PluginTestBase):
    def admin_index_url(self) -> str:
        opts = self.model_class._meta
        return f"/admin/{opts.app_label}/{opts.model_name}/"

    def test_menu_and_listing_follow_the_sites_switch(self, client, sites):
        site_a, site_b = sites
        mine, theirs = self.make_object(site_a), self.make_object(site_b)
        client.force_login(self.make_staff(site_a, "view", "change"))
        index = self.admin_index_url()

        assert index in client.get("/admin/").content.decode()
        listing = client.get(index)
        assert listing.status_code == 200
        shown = list(listing.context["object_list"])
        assert mine in shown and theirs not in shown
        assert client.get(f"{index}edit/{theirs.pk}/").status_code == 404

        set_enabled(self.plugin_label, site_a, False)
        assert index not in client.get("/admin/").content.decode()
        assert client.get(index).status_code != 200
        assert client.get(f"{index}edit/{mine.pk}/").status_code == 404
        assert self.model_class.objects.filter(pk=mine.pk).exists()

        set_enabled(self.plugin_label, site_a, True)
        assert mine in list(client.get(index).context["object_list"])
