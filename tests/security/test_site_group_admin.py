"""The system administrator provisions new sites of the group; the other roles and
site staff cannot (网站群 screen, 新建站点)."""

import pytest
from django.test import Client
from django.urls import reverse

from cms.sitegroup.models import SiteProfile

INDEX = reverse("sitegroup_siteprofile_modeladmin_index")
CREATE = reverse("sitegroup_siteprofile_modeladmin_create")


def county(site_group, code="340122", parent="340100"):
    return {
        "division_code": code,
        "name": "新县人大常委会",
        "region_name": "新县",
        "short_name": "新县",
        "parent": site_group[parent].pk,
        "hostname": "",
        "port": "80",
    }


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_system_administrator_sees_every_site_and_creates_one_anywhere(site_group, role_users):
    client = logged_in(role_users["system"])
    html = client.get(INDEX).content.decode()
    assert "合肥市人大常委会" in html and "芜湖市人大常委会" in html and "肥西县人大常委会" in html
    page = client.get(CREATE)
    assert page.status_code == 200
    form = page.context["form"]
    parents = set(form.fields["parent"].queryset.values_list("division_code", flat=True))
    assert {"340000", "340100", "340200"} <= parents

    response = client.post(CREATE, county(site_group, "340299", parent="340200"))
    assert response.status_code == 302, response.content.decode()[:1500]
    profile = SiteProfile.objects.get(division_code="340299")
    assert profile.parent == site_group["340200"]

    # Configuration, not content: the page tree of that site stays closed to him.
    assert client.get(f"/admin/pages/{profile.site.root_page_id}/").status_code in (302, 403)
    # He renames a site he has no page rights on; he deletes none.
    feixi = site_group["340123"]
    edit = reverse("sitegroup_siteprofile_modeladmin_edit", args=[feixi.pk])
    data = {"name": "肥西县人大常委会(改)", "region_name": "肥西县", "short_name": "肥西"}
    assert client.post(edit, {**data, "english_name": ""}).status_code == 302
    feixi.refresh_from_db()
    assert feixi.name == "肥西县人大常委会(改)"
    delete = reverse("sitegroup_siteprofile_modeladmin_delete", args=[feixi.pk])
    assert client.get(delete).status_code in (302, 403)


@pytest.mark.parametrize("role", ["security", "audit"])
def test_the_security_and_audit_administrators_cannot(site_group, role_users, role):
    client = logged_in(role_users[role])
    assert client.get(INDEX).status_code in (302, 403)
    assert client.get(CREATE).status_code in (302, 403)
    assert client.post(CREATE, county(site_group)).status_code in (302, 403)
    assert not SiteProfile.objects.filter(division_code="340122").exists()


def test_a_county_editor_cannot(site_group, make_user):
    editor = make_user("feixi-editor", site_group["340123"].editors_group)
    client = logged_in(editor)
    assert client.get(CREATE).status_code in (302, 403)
    assert client.post(CREATE, county(site_group)).status_code in (302, 403)
    assert not SiteProfile.objects.filter(division_code="340122").exists()
    feixi = site_group["340123"]
    edit = reverse("sitegroup_siteprofile_modeladmin_edit", args=[feixi.pk])
    assert client.get(edit).status_code in (302, 403, 404)
