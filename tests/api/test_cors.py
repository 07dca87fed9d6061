"""CORS: browser pages of allowed origins may call the API; origins are global or per site."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cms.apiaccess.models import SiteCorsOrigin

pytestmark = pytest.mark.django_db

GLOBAL = "https://npc.ah.gov.cn"
FEIXI = "https://www.feixi-rd.gov.cn"
ACAO = "Access-Control-Allow-Origin"


@pytest.fixture
def origins(settings, site_group):
    settings.CORS_ALLOWED_ORIGINS = [GLOBAL]
    SiteCorsOrigin.objects.create(site=site_group["340123"].site, origin=FEIXI)


def get(client, url, origin):
    return client.get(url, headers={"Origin": origin})


def preflight(client, url, origin):
    return client.options(
        url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )


def test_a_global_origin_is_allowed_on_every_site(client, origins):
    for url in ("/api/v1/pages/?site=340123", "/api/v1/pages/?site=340121", "/api/v1/sites/"):
        response = get(client, url, GLOBAL)
        assert response[ACAO] == GLOBAL
        assert "origin" in response["Vary"].lower()


def test_a_site_origin_is_allowed_only_on_its_site(client, origins):
    assert get(client, "/api/v1/pages/?site=340123", FEIXI)[ACAO] == FEIXI
    assert get(client, "/api/v1/pages/?site=340123100", FEIXI)[ACAO] == FEIXI  # its township
    assert get(client, "/api/v1/sites/340123/", FEIXI)[ACAO] == FEIXI
    assert get(client, "/api/v1/sites/", FEIXI)[ACAO] == FEIXI  # the tree names no site
    assert ACAO not in get(client, "/api/v1/pages/?site=340121", FEIXI)
    assert ACAO not in get(client, "/api/v1/pages/?site=340123", "https://evil.example")


def test_cached_responses_get_the_headers_of_each_requests_origin(client, origins):
    url = "/api/v1/pages/?site=340123"
    assert get(client, url, FEIXI)[ACAO] == FEIXI
    hit = get(client, url, "https://evil.example")
    assert hit["X-Lianxi-Cache"] == "hit"
    assert ACAO not in hit
    assert get(client, url, GLOBAL)[ACAO] == GLOBAL


def test_preflight(client, origins):
    response = preflight(client, "/api/v1/pages/?site=340123", FEIXI)
    assert response.status_code == 200
    assert response[ACAO] == FEIXI
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "authorization" in response["Access-Control-Allow-Headers"]

    refused = preflight(client, "/api/v1/pages/?site=340121", FEIXI)
    assert ACAO not in refused


def test_origins_outside_the_api_are_not_given_cors_headers(client, origins):
    assert ACAO not in get(client, "/admin/login/", GLOBAL)


def test_a_change_of_origins_applies_at_once(client, origins, site_group):
    url = "/api/v1/pages/?site=340121"
    assert ACAO not in get(client, url, FEIXI)
    SiteCorsOrigin.objects.create(site=site_group["340121"].site, origin=FEIXI)
    assert get(client, url, FEIXI)[ACAO] == FEIXI
    SiteCorsOrigin.objects.filter(site=site_group["340121"].site).delete()
    assert ACAO not in get(client, url, FEIXI)


def test_site_staff_edit_their_sites_origins_in_the_admin(client, site_group, make_user):
    profile = site_group["340123"]
    staff = make_user("feixi-chief", profile.final_reviewers_group, profile.editors_group)
    client.force_login(staff)
    index = client.get(reverse("apiaccess_sitecorsorigin_modeladmin_index"))
    assert index.status_code == 200
    response = client.post(
        reverse("apiaccess_sitecorsorigin_modeladmin_create"),
        {"site": profile.site_id, "origin": "https://m.feixi.gov.cn/", "note": "手机版"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SiteCorsOrigin.objects.filter(
        site=profile.site, origin="https://m.feixi.gov.cn"
    ).exists()

    other = client.post(
        reverse("apiaccess_sitecorsorigin_modeladmin_create"),
        {"site": site_group["340121"].site_id, "origin": "https://x.example", "note": ""},
    )
    assert other.status_code == 200  # a field error: not one of the user's sites
    assert not SiteCorsOrigin.objects.filter(origin="https://x.example").exists()
