"""The one site-access policy (cms.sitegroup.access), and the divergences of its old copies.

Before it, "which sites may this user manage" was answered in seven places that
did not agree: an inactive superuser managed every site in the querysets, the
admin forms and the API write check but none in the site list; the admin
screen of a site-owned model listed only the rows a site registered while the
model's own ``for_user`` (people seated in a congress) listed more; and each
copy queried again. Each test below pins the one answer through the public
surface (admin pages, the API, querysets).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from cms.plugins import site_access
from cms.sitegroup.models import SiteProfile
from cms.sitegroup.provisioning import (
    grant_descendant_access,
    grant_page_permissions,
    grant_tree_root_access,
    township_staff_group,
)


@pytest.fixture
def township(site_group):
    from cms.content.models import TownshipPage

    return TownshipPage.objects.get(division_code="340123100")


def test_inactive_superuser_manages_nothing_anywhere(site_group, make_user, client):
    root = make_user("root", superuser=True)
    root.is_active = False
    root.save()
    access = site_access(root)
    assert not access.is_superuser and access.site_ids == frozenset()
    assert not access.can_manage(site_group["340123"])
    assert not access.whole_tree
    # The querysets the API and the admin read agree with it (they once returned all).
    assert not SiteProfile.objects.for_user(root).exists()
    assert not access.switchable_site_ids


def test_superuser_manages_every_site_and_the_whole_tree(site_group, make_user):
    access = site_access(make_user("root", superuser=True))
    assert access.site_ids == set(Site.objects.values_list("pk", flat=True))
    assert access.whole_tree and access.can_manage(site_group["340200"])
    assert SiteProfile.objects.for_user(access.user).count() == len(site_group)


def test_granted_on_every_home_is_not_the_whole_tree(site_group, make_user):
    """Every site by grants on each home page is not the tree root's grant."""
    hefei = site_group["340100"]
    grant_descendant_access(hefei)
    editor = make_user("hefei-editor", hefei.editors_group)
    access = site_access(editor)
    assert access.site_ids == {site_group[c].site_id for c in ("340100", "340121", "340123")}
    assert not access.whole_tree
    province = site_group["340000"]
    grant_tree_root_access(province)
    assert site_access(make_user("province-editor", province.editors_group)).whole_tree


def test_the_policy_is_computed_once_per_user_object(site_group, make_user):
    feixi = site_group["340123"]
    user = make_user("feixi-editor", feixi.editors_group)
    with CaptureQueriesContext(connection) as first:
        access = site_access(user)
        assert access.can_manage(feixi) and not access.can_manage(site_group["340121"])
        assert feixi.site_id in access.plugin_site_ids("example")
    with CaptureQueriesContext(connection) as again:
        assert site_access(user) is access
        assert access.site_ids == {feixi.site_id}
        assert feixi.site_id in access.plugin_site_ids("example")
        assert list(SiteProfile.objects.for_user(user)) == [feixi]
    assert len(first) > 0
    assert len(again) == 1  # the queryset itself, nothing about the grants


def test_reports_across_the_tree_follow_the_whole_tree_grant(site_group, make_user, client):
    feixi = make_user("feixi-editor", site_group["340123"].editors_group)
    client.force_login(feixi)
    assert client.get("/admin/reports/page-types-usage/").status_code in (302, 403)
    province = site_group["340000"]
    grant_tree_root_access(province)
    client.force_login(make_user("province-editor", province.editors_group))
    assert client.get("/admin/reports/page-types-usage/").status_code == 200


def test_township_staff_hold_their_township_not_the_county(site_group, township, make_user):
    group = township_staff_group(township)
    assert group is not None and "340123100" in group.name
    user = make_user("shangpai", group)
    access = site_access(user)
    feixi = site_group["340123"]
    assert access.site_ids == frozenset()  # no site as a whole
    assert access.townships == {feixi.site_id: frozenset({"340123100"})}
    assert access.record_site_ids == {feixi.site_id}
    assert not access.can_manage(feixi) and not access.switchable_site_ids


def test_a_grant_inside_a_township_column_is_that_townships(site_group, township, make_user):
    from cms.content.models import ColumnPage

    inner = ColumnPage(title="镇人大动态", slug="dongtai")
    township.add_child(instance=inner)
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="上派镇 · 动态栏目")
    grant_page_permissions(group, inner, ("change_page",))
    access = site_access(make_user("inner", group))
    assert access.townships == {site_group["340123"].site_id: frozenset({"340123100"})}


def test_api_writes_use_the_same_answer(site_group, make_user, client):
    """The plugin API's write permission asks the policy (an example plugin entry)."""
    from django.contrib.auth.models import Permission

    feixi, changfeng = site_group["340123"], site_group["340121"]
    user = make_user("feixi-editor", feixi.editors_group)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="example", codename="add_entry")
    )
    client.force_login(user)
    url = "/api/v1/example/entries/"
    ok = client.post(f"{url}?site=340123", {"title": "条目"}, content_type="application/json")
    assert ok.status_code == 201, ok.content
    refused = client.post(f"{url}?site=340121", {"title": "条目"}, content_type="application/json")
    assert refused.status_code == 403
    assert changfeng.site_id not in site_access(user).site_ids
