"""Audiences: the staff of a township congress (乡镇人大工作人员) as an option, with
``includes`` and ``members`` answering alike."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cms.services import audience as audiences
from cms.services.models import AudienceRule
from cms.sitegroup.provisioning import township_staff_group

pytestmark = pytest.mark.django_db
CODE = "340123100"


@pytest.fixture
def people(site_group, make_user):
    from cms.content.models import TownshipPage

    group = township_staff_group(TownshipPage.objects.get(division_code=CODE))
    inactive = make_user("shangpai-left", group)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    return {
        "shangpai": make_user("shangpai", group),
        "inactive": inactive,
        "feixi_editor": make_user("feixi-editor", site_group["340123"].editors_group),
        "changfeng_editor": make_user("changfeng-editor", site_group["340121"].editors_group),
        "nobody": make_user("nobody"),
    }


def _agree(row, people) -> set[str]:
    """The names ``includes`` admits, after checking ``members`` gives the same users."""
    members = {u.pk for u in audiences.members(row)}
    admitted = set()
    for name, user in people.items():
        included = audiences.includes(user, row)
        assert included == (user.pk in members), name
        if included:
            admitted.add(name)
    return admitted


def test_township_staff_are_an_option_of_the_county_and_the_sites_above(site_group):
    feixi, province = site_group["340123"], site_group["340000"]
    assert audiences.options(feixi).townships == [(CODE, "上派镇人大工作人员")]
    assert (CODE, "上派镇人大工作人员") in audiences.options(province).townships
    assert audiences.options(site_group["340121"]).townships == []  # Changfeng: none of its own


def test_a_townships_staff_audience_admits_them_and_nobody_else(site_group, people):
    row = audiences.save(audiences.AudienceSpec(townships=(CODE,)), site=site_group["340123"])
    assert _agree(row, people) == {"shangpai"}
    assert audiences.describe(row) == "上派镇人大工作人员"
    assert audiences.spec_of(row) == audiences.AudienceSpec(townships=(CODE,))
    visible = audiences.visible(AudienceRule.objects.all(), people["shangpai"])
    assert list(visible.values_list("audience_id", flat=True)) == [row.pk]
    assert not audiences.visible(AudienceRule.objects.all(), people["feixi_editor"]).exists()


def test_the_county_staff_rule_does_not_cover_the_townships(site_group, people):
    """``staff_sites`` is the county's own 编辑/初审/终审: the township's staff are not in it,
    hence the township rule; both together admit both."""
    feixi = site_group["340123"]
    county = audiences.save(audiences.AudienceSpec(staff_sites=(feixi.site_id,)), site=feixi)
    assert _agree(county, people) == {"feixi_editor"}
    both = audiences.save(
        audiences.AudienceSpec(staff_sites=(feixi.site_id,), townships=(CODE,)), site=feixi
    )
    assert _agree(both, people) == {"feixi_editor", "shangpai"}


def test_a_township_outside_the_site_or_unknown_is_refused(site_group):
    with pytest.raises(ValidationError) as error:
        audiences.validate(audiences.AudienceSpec(townships=(CODE,)), site_group["340121"])
    assert "townships" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        audiences.validate(audiences.AudienceSpec(townships=("340123999",)), site_group["340123"])
    assert "340123999" in "".join(error.value.message_dict["townships"])
    # the city above Feixi may name it
    spec = audiences.validate(audiences.AudienceSpec(townships=(CODE,)), site_group["340100"])
    assert spec.townships == (CODE,)
