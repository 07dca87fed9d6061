"""The site group tree and its division codes."""

import pytest
from django.core.exceptions import ValidationError

from cms.content.models import ColumnPage, TownshipPage
from cms.sitegroup.models import Level, SiteProfile
from cms.sitegroup.provisioning import SiteSpec, provision_site
from cms.sitegroup.tree import UnknownDivisionCode, resolve_code


def test_tree_levels_and_parents(site_group):
    province, hefei, feixi = site_group["340000"], site_group["340100"], site_group["340123"]
    assert province.level == Level.PROVINCE and province.parent is None
    assert hefei.level == Level.MUNICIPAL and hefei.parent == province
    assert feixi.level == Level.COUNTY and feixi.parent == hefei
    assert [p.division_code for p in feixi.get_ancestors()] == ["340000", "340100"]
    codes = [p.division_code for p in province.get_descendants()]
    assert codes == ["340100", "340200", "340121", "340123"]
    assert province.site.is_default_site


def test_each_site_has_its_tree_columns_collection_and_groups(site_group):
    feixi = site_group["340123"]
    home = feixi.site.root_page
    slugs = set(ColumnPage.objects.child_of(home).values_list("slug", flat=True))
    assert {"news", "supervision", "meetings", "townships"} <= slugs
    assert "regulations" not in slugs  # counties do not make regulations
    assert "regulations" in set(
        ColumnPage.objects.child_of(site_group["340100"].site.root_page).values_list(
            "slug", flat=True
        )
    )
    assert feixi.collection is not None and feixi.collection.name == "肥西县人大常委会"
    assert {g.name for g in feixi.groups} == {
        "340123 肥西县人大常委会 · 编辑",
        "340123 肥西县人大常委会 · 初审",
        "340123 肥西县人大常委会 · 终审",
    }


def test_provisioning_twice_changes_nothing(site_group):
    from wagtail.models import Collection, Page

    pages, collections = Page.objects.count(), Collection.objects.count()
    profile, created = provision_site(
        SiteSpec("340123", "肥西县人大常委会", "肥西县", parent_code="340100")
    )
    assert not created and profile == site_group["340123"]
    assert Page.objects.count() == pages and Collection.objects.count() == collections


def test_codes_are_unique_and_validated(site_group):
    with pytest.raises(ValidationError):
        provision_site(SiteSpec("340301", "怀远县人大常委会", "怀远县", parent_code="340100"))
    with pytest.raises(ValidationError):
        provision_site(SiteSpec("340199", "无上级", "无上级"))
    assert SiteProfile.objects.filter(division_code="340123").count() == 1


def test_township_codes_resolve_to_their_county(site_group):
    place = resolve_code("340123100")
    assert place.profile == site_group["340123"]
    assert isinstance(place.township, TownshipPage) and place.township.title == "上派镇人大"
    assert resolve_code("340100").profile == site_group["340100"]
    with pytest.raises(UnknownDivisionCode):
        resolve_code("349999")
    with pytest.raises(UnknownDivisionCode):
        resolve_code("340123999")
