"""A deputy's or staff member's token: issued and revoked in the admin, used on the API."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import APIToken

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def issue_in_admin(client, admin, owner, name="代表履职小程序") -> str:
    """What an administrator does: 用户 → API tokens → add; the page shows the key once."""
    client.force_login(admin)
    response = client.post(reverse("wagtailusers_api_tokens:add"), {"name": name, "user": owner.pk})
    assert response.status_code == 200
    match = re.search(r'value="(wagtail_[0-9A-Za-z]+)"', response.content.decode())
    assert match, "the created page shows the token"
    client.logout()
    return match.group(1)


def me(client, key, keyword="Token"):
    return client.get("/api/v1/me/", headers={"Authorization": f"{keyword} {key}"})


def test_token_issued_in_admin_authenticates_api_requests(client, site_group, make_user):
    admin = make_user("root", superuser=True)
    staff = make_user("feixi-editor", site_group["340123"].editors_group)
    key = issue_in_admin(client, admin, staff)

    token = APIToken.objects.get(user=staff)
    assert key not in (token.key_hash, token.prefix), "only a hash is stored"

    for keyword in ("Token", "Bearer"):
        response = me(client, key, keyword)
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["username"] == "feixi-editor"
        assert [s["code"] for s in data["sites"]] == ["340123"]
        assert response["Cache-Control"] == "private, no-store"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_in_admin_means_401_problem(client, site_group, make_user):
    admin = make_user("root", superuser=True)
    deputy = make_user("deputy-zhang")
    key = issue_in_admin(client, admin, deputy)
    assert me(client, key).status_code == 200

    token = APIToken.objects.get(user=deputy)
    client.force_login(admin)
    response = client.post(reverse("wagtailusers_api_tokens:delete", args=[token.pk]))
    assert response.status_code == 302
    client.logout()
    token.refresh_from_db()
    assert token.revoked_at is not None

    response = me(client, key)
    assert response.status_code == 401
    assert response["Content-Type"].startswith(PROBLEM)
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["type"] == "urn:lianxi:problem:authentication-failed"


def test_anonymous_me_is_401_problem_and_anonymous_reads_stay_open(client, site_group):
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith(PROBLEM)
    assert response.json()["type"] == "urn:lianxi:problem:not-authenticated"
    assert client.get("/api/v1/pages/?site=340123").status_code == 200


@pytest.mark.parametrize("header", ["Token wagtail_nonsense", "Token", "Bearer a b"])
def test_malformed_or_unknown_tokens_are_401(client, site_group, header):
    response = client.get("/api/v1/pages/?site=340123", headers={"Authorization": header})
    assert response.status_code == 401
    assert response["Content-Type"].startswith(PROBLEM)


def test_inactive_user_and_expired_token_are_refused(client, site_group, make_user, settings):
    deputy = make_user("deputy-li")
    _token, key = APIToken.create_token(user=deputy, name="app")
    assert me(client, key).status_code == 200

    settings.LIANXI_API_TOKEN_MAX_AGE_DAYS = 30
    APIToken.objects.filter(user=deputy).update(
        created=timezone.now() - datetime.timedelta(days=31)
    )
    assert me(client, key).status_code == 401

    settings.LIANXI_API_TOKEN_MAX_AGE_DAYS = None
    assert me(client, key).status_code == 200
    deputy.is_active = False
    deputy.save()
    assert me(client, key).status_code == 401


def test_site_staff_cannot_issue_tokens_for_other_users(client, site_group, make_user):
    """Wagtail's rule: managing others' tokens needs the change-user permission."""
    staff = make_user("feixi-staff", site_group["340123"].editors_group)
    other = make_user("other-user")
    client.force_login(staff)
    response = client.post(reverse("wagtailusers_api_tokens:add"), {"name": "x", "user": other.pk})
    assert response.status_code in (302, 403)
    assert not APIToken.objects.filter(user=other).exists()
