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


class PluginSubmissionTests(PluginTestBase):
    """For a ``cms.plugins.api.SubmissionViewSet`` route: what users submit.

    Declare the route, a valid payload and the payload's moderated text field::

        class TestHelloSubmissions(PluginSubmissionTests):
            plugin_label = "hello"
            model = "hello.Submission"
            submissions_url = "/api/v1/hello/submissions/"
            submission_payload = {"text": "建议在村口增设路灯。"}
            text_field = "text"

    They cover: a login is required; an account posts to the site and reads back
    its own submissions, never another account's; a listed word holds the
    submission (``pending``, in the site's moderation queue) and a rejection's
    reason reaches its author; a retried POST with its ``Idempotency-Key``
    creates one row; attachments must be the author's own uploads on the site;
    a bad payload is a 400 problem that stores nothing; and the route follows
    the site's plugin switch.
    """

    submissions_url: ClassVar[str] = ""
    submission_payload: ClassVar[dict[str, Any]] = {}
    text_field: ClassVar[str] = ""

    def url(self, profile_or_code, path: str = "") -> str:
        code = getattr(profile_or_code, "division_code", profile_or_code)
        return f"{self.submissions_url}{path}?site={code}"

    @staticmethod
    def login(mobile: str) -> dict[str, str]:
        """A citizen's account logged in as a mini-program is: the ``Authorization`` header."""
        from cms.services import accounts

        user = accounts.citizen_account(mobile).user
        tokens = accounts.issue_tokens(user, device_id=f"test-{mobile}")
        return {"HTTP_AUTHORIZATION": f"Bearer {tokens.access_token}"}

    def post(self, client, profile, auth, payload=None, **headers):
        return client.post(
            self.url(profile), payload if payload is not None else self.submission_payload,
            content_type="application/json", **auth, **headers,
        )  # fmt: skip

    def test_a_login_is_required(self, client, sites):
        site_a, _ = sites
        before = self.model_class.objects.count()
        assert self.post(client, site_a, {}).status_code == 401
        assert client.get(self.url(site_a)).status_code == 401
        assert self.model_class.objects.count() == before

    def test_an_account_reads_back_its_own_and_nobody_elses(self, client, sites):
        site_a, site_b = sites
        alice, bob = self.login("13900000001"), self.login("13900000002")
        response = self.post(client, site_a, alice)
        assert response.status_code == 201, response.content
        assert response["Cache-Control"] == "private, no-store"
        mine = response.json()
        row = self.model_class.objects.get(pk=mine["id"])
        assert row.site_id == site_a.site_id and row.moderation_status == "approved"
        listed = client.get(self.url(site_a), **alice).json()
        assert [item["id"] for item in listed["results"]] == [mine["id"]]
        assert client.get(self.url(site_a), **bob).json()["count"] == 0
        assert client.get(self.url(site_a, f"{row.pk}/"), **bob).status_code == 404
        assert client.get(self.url(site_a, f"{row.pk}/"), **alice).json()["id"] == row.pk
        # On another site of the group the same account has nothing there.
        assert client.get(self.url(site_b), **alice).json()["count"] == 0

    def test_a_listed_word_holds_it_for_moderation(self, client, sites):
        from cms.moderation.models import ModerationItem
        from cms.review.models import SensitiveWord
        from cms.services import moderation

        site_a, _ = sites
        SensitiveWord.objects.create(word="测试违禁词", site=site_a.site)
        payload = {**self.submission_payload, self.text_field: "这一段含有测试违禁词。"}
        alice = self.login("13900000003")
        response = self.post(client, site_a, alice, payload)
        assert response.status_code == 201, response.content
        row = self.model_class.objects.get(pk=response.json()["id"])
        assert row.moderation_status == "pending"
        item = ModerationItem.objects.get(object_id=str(row.pk), site=site_a.site)
        assert item.original[self.text_field] == "这一段含有测试违禁词。"
        staff = self.make_staff(site_a, "view", username="plugin-moderator")
        moderation.reject(item, staff, "请修改后重新提交")
        row.refresh_from_db()
        assert row.moderation_status == "rejected" and row.moderation_reason == "请修改后重新提交"

    def test_a_retried_post_creates_one_row(self, client, sites):
        site_a, _ = sites
        alice, before = self.login("13900000004"), self.model_class.objects.count()
        key = {"HTTP_IDEMPOTENCY_KEY": "retry-submission-0001"}
        first = self.post(client, site_a, alice, **key)
        again = self.post(client, site_a, alice, **key)
        assert first.status_code == again.status_code == 201, first.content
        assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
        assert self.model_class.objects.count() == before + 1

    def test_attachments_are_the_authors_own_uploads(self, client, sites):
        import io

        from PIL import Image

        site_a, _ = sites
        alice, bob = self.login("13900000005"), self.login("13900000006")
        image = io.BytesIO()
        Image.new("RGB", (8, 8), "red").save(image, "PNG")
        image.name = "photo.png"
        image.seek(0)
        upload = client.post(f"/api/v1/uploads/?site={site_a.division_code}", {"file": image},
                             **alice)  # fmt: skip
        assert upload.status_code == 201, upload.content
        token = upload.json()["id"]
        before = self.model_class.objects.count()
        theirs = self.post(client, site_a, bob, {**self.submission_payload, "attachments": [token]})
        assert theirs.status_code == 400
        assert theirs.json()["errors"][0]["field"] == "attachments"
        assert self.model_class.objects.count() == before
        mine = self.post(client, site_a, alice, {**self.submission_payload, "attachments": [token]})
        assert mine.status_code == 201, mine.content
        assert mine.json()["attachments"] == [token]

    def test_a_bad_payload_is_a_problem_and_stores_nothing(self, client, sites):
        site_a, _ = sites
        alice, before = self.login("13900000007"), self.model_class.objects.count()
        response = self.post(
            client, site_a, alice, {**self.submission_payload, self.text_field: ""}
        )
        assert response.status_code == 400
        assert response["Content-Type"].startswith("application/problem+json")
        assert any(e["field"] == self.text_field for e in response.json()["errors"])
        assert self.model_class.objects.count() == before

    def test_the_route_follows_the_sites_switch(self, client, sites):
        site_a, _ = sites
        alice = self.login("13900000008")
        set_enabled(self.plugin_label, site_a, False)
        assert self.post(client, site_a, alice).status_code == 404
        assert client.get(self.url(site_a), **alice).status_code == 404
        assert client.get(self.url(UNKNOWN_CODE), **alice).status_code == 404
