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


@pytest.fixture(scope="session")
def _epoch_file(tmp_path_factory):
    """This test process's own API cache epoch file. ``make test`` runs parallel workers:
    sharing the default file, each worker's invalidations would empty the other's
    local-memory cache mid-test (as they must between a deployment's processes)."""
    return str(tmp_path_factory.getbasetemp() / "api-cache-epoch")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path, _epoch_file):
    # Production-style security settings are on whenever DEBUG is off, as in
    # tests; the test client speaks plain HTTP.
    settings.SECURE_SSL_REDIRECT = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LIANXI_API_CACHE_EPOCH_FILE = _epoch_file
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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Built once per test database; every test runs in a transaction that is
    # rolled back, so each starts from this same small site group.
    with django_db_blocker.unblock():
        build_site_group()


def pytest_collection_modifyitems(config, items):
    """A transactional test (``django_db(transaction=True)``) empties the database when it
    ends. ``make test`` runs the suite in parallel workers, where such a test would not be
    the last of its worker: it must be marked ``serial``, and ``make test`` runs those
    after the parallel run, in one process (``-m serial``)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = marker is not None and (
            marker.kwargs.get("transaction") or marker.args[:1] == (True,)
        )
        if transactional and item.get_closest_marker("serial") is None:
            raise pytest.UsageError(
                f"{item.nodeid}: a transactional test must be marked @pytest.mark.serial"
            )


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
