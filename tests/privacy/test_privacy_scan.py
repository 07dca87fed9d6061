"""The suite's privacy scan: with the whole demo loaded (the core's and every plugin's), no
private value reaches an anonymous API answer or a search document.

What is private is found, not listed by hand, so that a new plugin is covered the day it
lands: every value of every model field stored encrypted (``*_encrypted``: deputies' ID
numbers, mobiles and addresses, citizens' mobiles and WeChat ids, whatever a plugin
encrypts), citizens' names (accounts without a deputy's directory id and without staff
rights), handling units' contact phones, and every account's e-mail address.

What is public is found too: every GET operation of the API's live OpenAPI document, asked
anonymously for each demo site, its list answers followed to their items' detail routes.
A plugin that adds a public route or a private field is scanned without a change here.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

SITES = ("340000", "340100", "340123", "340121", "340123100")
#: Items followed from each list answer to their detail route.
DETAILS_PER_LIST = 5
#: Values too short or too common to be told apart from ordinary text.
MIN_SECRET_LENGTH = 5


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("privacy-media")
    overrides = override_settings(
        LIANXI_DEMO_PASSWORD="demo-pass-for-tests",
        MEDIA_ROOT=media,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        LIANXI_API_CACHE_ENABLED=False,
    )
    with overrides, django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", "--small", stdout=io.StringIO())
        call_command("load_plugin_demo", stdout=io.StringIO())
        yield secrets(), media
        transaction.set_rollback(True)


@pytest.fixture
def demo_group(_demo_loaded, db, settings):
    private, media = _demo_loaded
    settings.MEDIA_ROOT = media  # the demo's images, for the renditions the API makes
    settings.LIANXI_API_CACHE_ENABLED = False
    return private


def secrets() -> dict[str, str]:
    """``{private value: where it comes from}`` over the whole database."""
    found: dict[str, str] = {}

    def add(value, origin: str) -> None:
        value = (value or "").strip()
        if len(value) >= MIN_SECRET_LENGTH:
            found.setdefault(value, origin)

    for model in apps.get_models():
        encrypted = [f.name for f in model._meta.concrete_fields if f.name.endswith("_encrypted")]
        for name in encrypted:
            plain = name.removesuffix("_encrypted")
            # the model's own reader (it knows the field's key purpose): ``person.mobile``
            assert isinstance(getattr(model, plain, None), property), (
                f"{model._meta.label}.{name} is encrypted but has no `{plain}` property to read it"
            )
            for row in model._default_manager.exclude(**{name: ""}).only("pk", name):
                add(getattr(row, plain), f"{model._meta.label}.{name}")
    Account = apps.get_model("accounts", "Account")
    deputies = Account.objects.exclude(directory_ref__isnull=True).exclude(directory_ref="")
    citizens = Account.objects.exclude(pk__in=deputies.values("pk")).filter(user__is_staff=False)
    for name in citizens.exclude(display_name="").values_list("display_name", flat=True):
        if len(name) >= 2:
            found.setdefault(name, "citizen's name")
    HandlingUnit = apps.get_model("accounts", "HandlingUnit")
    for phone in HandlingUnit.objects.values_list("contact_phone", flat=True):
        add(phone, "accounts.HandlingUnit.contact_phone")
    User = apps.get_model("auth", "User")
    for email in User.objects.exclude(email="").values_list("email", flat=True):
        add(email, "auth.User.email")
    return found


def public_get_routes(client) -> list[str]:
    """The API's GET operations as path templates (the live document, every plugin's routes)."""
    document = client.get("/api/v1/schema/?format=json").json()
    return sorted(path for path, item in document["paths"].items() if "get" in item)


def crawl(client) -> dict[str, str]:
    """``{url: body}`` of every anonymous 200 answer of the API, lists followed to details."""
    bodies: dict[str, str] = {}
    templates = public_get_routes(client)
    details = {t for t in templates if re.search(r"\{(id|pk)\}/$", t)}
    for template in templates:
        if "{" in template:
            continue  # detail routes are reached from their lists below
        for code in SITES:
            url = f"{template}?site={code}"
            response = client.get(url)
            if response.status_code != 200 or "json" not in response.get("Content-Type", ""):
                continue
            bodies[url] = response.content.decode()
            detail = next((d for d in details if d.rsplit("{", 1)[0] == template), None)
            results = response.json().get("results") if response.content.startswith(b"{") else None
            if not detail or not isinstance(results, list):
                continue
            for row in results[:DETAILS_PER_LIST]:
                if isinstance(row, dict) and "id" in row:
                    item = re.sub(r"\{(id|pk)\}", str(row["id"]), detail) + f"?site={code}"
                    answer = client.get(item)
                    if answer.status_code == 200:
                        bodies[item] = answer.content.decode()
    return bodies


@pytest.mark.django_db
def test_no_private_value_reaches_an_anonymous_api_answer(demo_group):
    private = demo_group
    # The scan has something to look for: the demo's deputies, citizens and units.
    origins = set(private.values())
    assert {"deputies.Person.mobile_encrypted", "accounts.Account.mobile_encrypted",
            "citizen's name"} <= origins, origins  # fmt: skip
    client = Client(HTTP_HOST="127.0.0.1")
    bodies = crawl(client)
    # It reached the plugins' public routes, not only the core's.
    reached = {url.split("?")[0] for url in bodies}
    assert any(u.startswith("/api/v1/deputies/") for u in reached), sorted(reached)
    assert any(u.startswith("/api/v1/suggestions/published/") for u in reached), sorted(reached)
    assert len(bodies) >= 40, len(bodies)
    leaks = []
    for url, body in bodies.items():
        text = json.dumps(json.loads(body), ensure_ascii=False) if body[:1] in "{[" else body
        leaks += [(url, private[v]) for v in private if v in text or v in body]
    assert leaks == []


@pytest.mark.django_db
def test_no_private_value_is_in_a_search_document(demo_group):
    private = demo_group
    SearchEntry = apps.get_model("search_index", "SearchEntry")
    entries = list(SearchEntry.objects.values_list("key", "title", "body", "url"))
    assert entries, "the demo indexes its pages and plugins' records"
    leaks = []
    for key, *texts in entries:
        joined = " ".join(texts)
        leaks += [(key, private[v]) for v in private if v in joined]
    assert leaks == []
