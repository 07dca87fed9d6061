"""Creating a site: the 网站群 admin screen ("新建站点") and ``manage.py create_site``."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import GroupPagePermission

from cms.content.models import ColumnPage, TownshipPage
from cms.sitegroup.access import site_access
from cms.sitegroup.models import SiteProfile

INDEX = reverse("sitegroup_siteprofile_modeladmin_index")
CREATE = reverse("sitegroup_siteprofile_modeladmin_create")


def form(site_group, **overrides):
    data = {
        "division_code": "340122",
        "name": "肥东县人大常委会",
        "region_name": "肥东县",
        "short_name": "肥东",
        "parent": site_group["340100"].pk,
        "hostname": "",
        "port": "80",
    }
    data.update(overrides)
    return data


@pytest.fixture
def root_client(client, make_user):
    client.force_login(make_user("root", superuser=True))
    return client


def test_index_lists_sites_with_filter_and_search(site_group, root_client):
    html = root_client.get(INDEX).content.decode()
    assert "340123" in html and "肥西县人大常委会" in html and "合肥市人大常委会" in html
    html = root_client.get(INDEX + "?level=county").content.decode()
    assert "肥西县人大常委会" in html and "芜湖市人大常委会" not in html
    html = root_client.get(INDEX + "?q=长丰").content.decode()
    assert "长丰县人大常委会" in html and "肥西县人大常委会" not in html


def test_admin_creates_a_site_with_parent_staff_grant(site_group, root_client, make_user):
    response = root_client.post(CREATE, form(site_group, grant_parent_staff="on"))
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = SiteProfile.objects.get(division_code="340122")
    assert profile.parent == site_group["340100"] and profile.level == "county"
    assert profile.site.hostname == "340122.localhost"
    slugs = set(ColumnPage.objects.child_of(profile.site.root_page).values_list("slug", flat=True))
    assert {"news", "townships"} <= slugs
    assert profile.collection and len(profile.groups) == 3
    hefei_editor = make_user("hefei-editor", site_group["340100"].editors_group)
    assert profile.site_id in site_access(hefei_editor).site_ids


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"division_code": "34012"}, "division_code", "6位数字"),
        ({"division_code": "340123"}, "division_code", "已存在"),
        ({"parent": "999999"}, "parent", ""),
        ({"parent": ""}, "parent", "必须有上级站点"),
        ({"division_code": "340201", "name": "x", "region_name": "x"}, "division_code", "前四位"),
        ({"division_code": "340299", "parent": "PROVINCE"}, "parent", "上级站点的层级"),
        ({"hostname": "340123.localhost"}, "hostname", "已被其他站点使用"),
    ],
)
def test_invalid_input_shows_field_errors(site_group, root_client, overrides, field, message):
    if overrides.get("parent") == "PROVINCE":
        overrides["parent"] = site_group["340000"].pk
    response = root_client.post(CREATE, form(site_group, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not SiteProfile.objects.filter(name="肥东县人大常委会", division_code="340122").exists()


def test_only_superusers_and_add_permission_holders_create_sites(site_group, client, make_user):
    hefei = site_group["340100"]
    editor = make_user("hefei-editor", hefei.editors_group)
    client.force_login(editor)
    assert client.get(CREATE).status_code in (302, 403)
    assert client.post(CREATE, form(site_group)).status_code in (302, 403)
    assert not SiteProfile.objects.filter(division_code="340122").exists()

    # A city's site manager with add/view rights creates counties under his city only.
    manager = make_user("hefei-manager", hefei.editors_group)
    manager.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="sitegroup",
            codename__in=["add_siteprofile", "view_siteprofile"],
        )
    )
    client.force_login(manager)
    html = client.get(INDEX).content.decode()
    assert "合肥市人大常委会" in html and "芜湖市人大常委会" not in html
    response = client.post(
        CREATE, form(site_group, division_code="340201", parent=site_group["340200"].pk)
    )
    assert response.status_code == 200 and "parent" in response.context["form"].errors
    assert client.post(CREATE, form(site_group)).status_code == 302
    assert SiteProfile.objects.filter(division_code="340122").exists()


def test_edit_renames_site_and_its_home_page(site_group, root_client):
    feixi = site_group["340123"]
    url = reverse("sitegroup_siteprofile_modeladmin_edit", args=[feixi.pk])
    response = root_client.post(
        url,
        {
            "name": "肥西县人大常委会(新)",
            "region_name": "肥西县",
            "short_name": "肥西",
            "english_name": "",
        },
    )
    assert response.status_code == 302
    feixi.refresh_from_db()
    assert feixi.site.root_page.title == "肥西县人大常委会(新)"
    assert feixi.collection.name == "肥西县人大常委会(新)"
    delete = reverse("sitegroup_siteprofile_modeladmin_delete", args=[feixi.pk])
    assert root_client.get(delete).status_code in (302, 403)


def run(*args):
    out = io.StringIO()
    call_command("create_site", *args, stdout=out)
    return out.getvalue()


def test_command_creates_and_is_idempotent(site_group):
    args = ["340122", "肥东县人大常委会", "--region-name", "肥东县", "--parent", "340100",
            "--grant-parent-staff", "--township", "340122100:店埠镇人大"]  # fmt: skip
    out = run(*args)
    assert "Created site 340122" in out and "店埠镇人大: created" in out
    assert "340122 肥东县人大常委会 · 编辑" in out
    profile = SiteProfile.objects.get(division_code="340122")
    assert TownshipPage.objects.filter(division_code="340122100").exists()
    assert GroupPagePermission.objects.filter(
        group=site_group["340100"].editors_group, page=profile.site.root_page
    ).exists()
    out = run(*args)
    assert "Updated (already existed)" in out and "店埠镇人大: exists" in out
    assert SiteProfile.objects.filter(division_code="340122").count() == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["34012X", "x", "--region-name", "x"], "Bad division code"),
        (["340122", "x", "--region-name", "x"], "--parent CODE is required"),
        (["340122", "x", "--region-name", "x", "--parent", "349900"], "Unknown parent site"),
        (["340201", "x", "--region-name", "x", "--parent", "340100"], "前四位"),
        (["340122", "x", "--region-name", "x", "--parent", "340000"], "上级站点的层级"),
        (
            ["340122", "x", "--region-name", "x", "--parent", "340100", "--township", "3401221:y"],
            "Bad township code",
        ),  # fmt: skip
        (
            ["340122", "x", "--region-name", "x", "--parent", "340100", "--township", "340123100"],
            "CODE:NAME",
        ),  # fmt: skip
    ],
)
def test_command_rejects_bad_input(site_group, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not SiteProfile.objects.filter(division_code=args[0]).exists()
