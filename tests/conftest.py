"""Shared fixtures: a small site group built through the public provisioning service."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cms.sitegroup.models import SiteProfile
from cms.sitegroup.provisioning import SiteSpec, provision_site, provision_township

SITES = [
    SiteSpec("340000", "安徽省人大常委会", "安徽省", "安徽", is_default_site=True),
    SiteSpec("340100", "合肥市人大常委会", "合肥市", "合肥", parent_code="340000"),
    SiteSpec("340200", "芜湖市人大常委会", "芜湖市", "芜湖", parent_code="340000"),
    SiteSpec("340121", "长丰县人大常委会", "长丰县", "长丰", parent_code="340100"),
    SiteSpec("340123", "肥西县人大常委会", "肥西县", "肥西", parent_code="340100"),
]


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Production-style security settings are on whenever DEBUG is off, as in
    # tests; the test client speaks plain HTTP.
    settings.SECURE_SSL_REDIRECT = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The API response cache and throttle counters outlive each test's rolled
    # back transaction: start every test with an empty cache.
    from django.core.cache import cache

    from cms.review import checks

    cache.clear()
    # The word matchers are trusted for seconds; a rolled back test's words go too.
    checks.clear_cache()


# --- Logging in to the admin with two factors (cms.security) ------------------------

_force_login_without_second_factor = Client.force_login


def verified_login(client, user, backend=None):
    """Log ``user`` in as after the password *and* a TOTP code.

    The user gets a confirmed TOTP device if they have none, and the session
    carries django-otp's verified-device key, exactly as the verification
    screen leaves it. Every test's ``client.force_login`` does this (see
    ``_second_factor_in_force_login``), so admin tests written before two
    factors keep working; ``unverified_login`` logs in with the password only.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _force_login_without_second_factor(client, user, backend)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="测试", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _second_factor_in_force_login(monkeypatch):
    monkeypatch.setattr(Client, "force_login", verified_login)


@pytest.fixture
def unverified_login():
    """``unverified_login(client, user)``: a session after the password, before the code."""
    return _force_login_without_second_factor


def build_site_group() -> dict:
    profiles = {spec.division_code: provision_site(spec)[0] for spec in SITES}
    provision_township(profiles["340123"], "340123100", "上派镇人大")
    return profiles


#: The test database as the migrations left it (``{alias: serialized rows}``) and the
#: session's database blocker: what ``pytest_runtest_teardown`` restores after a flush.
_MIGRATED: dict = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Built once per test database; every test runs in a transaction that is
    # rolled back, so each starts from this same small site group.
    from django.db import connections

    with django_db_blocker.unblock():
        _MIGRATED["rows"] = {
            alias: connections[alias].creation.serialize_db_to_string() for alias in connections
        }
        _MIGRATED["blocker"] = django_db_blocker
        build_site_group()


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test (``django_db(transaction=True)``) has flushed the
    database: put back what the migrations created (the page tree's root, the default
    locale and collection, groups and permissions, with their ids) and the site group,
    so the tests after it find the database as the others left it. ``make test`` runs
    the files in parallel workers, so a transactional test is not always the last."""
    yield
    marker = item.get_closest_marker("django_db")
    if marker is None or not (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return
    if not _MIGRATED:
        return
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connections
    from django.db.models.signals import m2m_changed

    # Loading rows is no change of anybody's groups or permissions: m2m_changed's
    # receivers (the audit log of permission changes) stay out of it, as for loaddata.
    receivers = m2m_changed.receivers
    m2m_changed.receivers = []
    m2m_changed.sender_receivers_cache.clear()
    try:
        with _MIGRATED["blocker"].unblock():
            for alias, rows in _MIGRATED["rows"].items():
                # The flush re-created content types and permissions with new ids: flush
                # them too, then load the migrated rows with their own ids.
                call_command("flush", database=alias, interactive=False,
                             inhibit_post_migrate=True, verbosity=0)  # fmt: skip
                connections[alias].creation.deserialize_db_from_string(rows)
            ContentType.objects.clear_cache()
    finally:
        m2m_changed.receivers = receivers
        m2m_changed.sender_receivers_cache.clear()
    with _MIGRATED["blocker"].unblock():
        build_site_group()


@pytest.fixture
def site_group(db):
    """Province, two cities, two Hefei counties and one township column; keyed by code."""
    profiles = {
        p.division_code: p
        for p in SiteProfile.objects.select_related("site__root_page", "parent", "collection")
    }
    if set(profiles) != {spec.division_code for spec in SITES}:  # after a transactional test
        profiles = build_site_group()
    return profiles


@pytest.fixture
def make_user(db):
    def make(username, *groups, superuser=False, password="pw-lianxi-test"):
        User = get_user_model()
        user = User.objects.create_user(
            username=username,
            password=password,
            is_staff=superuser,
            is_superuser=superuser,
        )
        for group in groups:
            user.groups.add(group)
        return user

    return make
