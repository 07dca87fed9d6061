"""The site group and each site's micro-portal: /api/v1/sites/ and /api/v1/columns/."""

from __future__ import annotations

import json

import pytest

from cms.portal.models import PortalSettings
from tests.api.conftest import make_image

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_api_cache")]


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_site_tree(client, site_group):
    data = get(client, "/api/v1/sites/")
    assert data["count"] == 6  # five sites and one township column
    (province,) = data["results"]
    assert province["code"] == "340000" and province["level"] == "province"
    hefei = next(c for c in province["children"] if c["code"] == "340100")
    feixi = next(c for c in hefei["children"] if c["code"] == "340123")
    assert feixi["parent_code"] == "340100" and feixi["name"] == "肥西县人大常委会"
    (township,) = feixi["children"]
    assert township == {
        **township,
        "code": "340123100",
        "level": "township",
        "parent_code": "340123",
        "api_url": "/api/v1/sites/340123100/",
    }


def test_site_portal_defaults(client, site_group):
    data = get(client, "/api/v1/sites/340123/")
    assert data["level"] == "county" and data["parent"]["code"] == "340100"
    assert [c["code"] for c in data["children"]] == ["340123100"]
    portal = data["portal"]
    assert portal["theme_color"] == "#C8161D" and portal["banners"] == []
    titles = [item["title"] for item in portal["navigation"]]
    assert "人大要闻" in titles and "乡镇人大" in titles
    assert all(item["api_url"].endswith("?site=340123") for item in portal["navigation"])
    assert {p["label"] for p in data["plugins"]} >= {"example"}


def test_site_portal_settings_from_the_admin_model(client, content):
    site = content.feixi.site
    image = make_image("轮播")
    PortalSettings.objects.create(
        site=site,
        theme_color="#004488",
        contact_phone="0551-12345678",
        contact_address="肥西县上派镇",
        contact_email="rd@example.cn",
        banners=[{"type": "banner", "value": {"image": image.pk, "title": "大会开幕",
                                               "page": content.rich.pk, "url": ""}}],
        navigation=[{"type": "item", "value": {"page": content.news.pk, "title": "要闻"}}],
    )  # fmt: skip
    data = get(client, "/api/v1/sites/340123/")
    portal = data["portal"]
    assert portal["theme_color"] == "#004488"
    assert portal["contact"] == {"phone": "0551-12345678", "address": "肥西县上派镇",
                                 "email": "rd@example.cn"}  # fmt: skip
    (banner,) = portal["banners"]
    assert banner["title"] == "大会开幕" and banner["page"]["id"] == content.rich.pk
    assert banner["image"]["renditions"]["thumbnail_webp"]["url"].endswith(".webp")
    assert [(n["id"], n["title"]) for n in portal["navigation"]] == [(content.news.pk, "要闻")]


def test_township_code_is_a_site_like_node(client, content):
    data = get(client, "/api/v1/sites/340123100/")
    assert data["level"] == "township" and data["parent_code"] == "340123"
    assert data["parent"]["code"] == "340123"
    assert data["url"].endswith("/townships/t340123100/")


def test_columns_tree(client, content):
    data = get(client, "/api/v1/columns/", site="340123")
    by_slug = {c["slug"]: c for c in data["results"]}
    assert by_slug["news"]["expected_update_days"] == 7
    assert by_slug["news"]["path"] == "/news/"
    (township,) = by_slug["townships"]["children"]
    assert township["type"] == "township" and township["division_code"] == "340123100"
    assert "office" not in by_slug  # under a private view restriction
    township_only = get(client, "/api/v1/columns/", site="340123100")
    assert [c["id"] for c in township_only["results"]] == [content.township.pk]


def test_site_editors_edit_their_own_portal_settings_only(client, site_group):
    from wagtail.models import GroupSitePermission

    feixi, changfeng = site_group["340123"], site_group["340121"]
    granted = GroupSitePermission.objects.filter(
        group=feixi.editors_group, permission__codename="change_portalsettings"
    ).values_list("site_id", flat=True)
    assert list(granted) == [feixi.site_id]
    assert changfeng.site_id not in granted


def test_admin_edits_portal_settings(client, site_group, make_user):
    client.force_login(make_user("root", superuser=True))
    site_id = site_group["340123"].site_id
    response = client.get(f"/admin/settings/portal/portalsettings/{site_id}/")
    assert response.status_code == 200
    assert "主题色" in response.content.decode()
