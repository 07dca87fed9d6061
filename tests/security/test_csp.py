"""A Content-Security-Policy on every admin and docs page, naming no foreign host."""

import re

import pytest
from django.test import Client


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/pages/", "/admin/images/", "/admin/audit-log/", "/admin/users/"]
)
def test_admin_pages_load_with_the_policy(site_group, make_user, url):
    client = Client()
    client.force_login(make_user("csp-root", superuser=True))
    response = client.get(url, follow=True)
    assert response.status_code == 200
    rules = policy(response)
    assert rules["default-src"] == ["'self'"]
    assert rules["object-src"] == ["'none'"]
    assert rules["frame-ancestors"] == ["'none'"]  # as X-Frame-Options: DENY
    for sources in rules.values():
        for source in sources:
            assert not re.match(r"^(https?:|\*|//)", source), source  # no foreign host
    assert "gravatar" not in response.content.decode()


@pytest.mark.parametrize("url", ["/admin/login/", "/api/v1/docs/", "/api/v1/redoc/"])
def test_login_and_docs_pages_carry_it_too(db, url):
    response = Client().get(url)
    assert response.status_code == 200
    assert policy(response)["script-src"][0] == "'self'"


def test_only_the_admins_own_preview_may_be_framed_and_only_by_the_admin(site_group, make_user):
    client = Client()
    client.force_login(make_user("csp-previewer", superuser=True))
    home = site_group["340123"].site.root_page
    response = client.get(f"/admin/pages/{home.pk}/edit/preview/")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert policy(response)["frame-ancestors"] == ["'self'"]
    assert policy(client.get("/admin/"))["frame-ancestors"] == ["'none'"]
