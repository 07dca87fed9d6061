"""Who does what in the deputies admin: scoped forms by default, each role's job, township staff.

* A plugin screen that names no form of its own (届次) still offers only the
  user's records, and a crafted POST with another county's record is refused:
  the core's ``PluginModelForm`` is every plugin screen's default form.
* Editors keep the rolls; 初审 and 终审 read them and neither edit nor delete
  (the 终审 could once delete deputies and whole congresses but not edit them).
* A township's staff see and change only their own congress's records.
"""

from __future__ import annotations

import pytest

from cms.content.models import TownshipPage
from cms.sitegroup.provisioning import township_staff_group
from plugins.deputies import models as m

ADMIN = "/admin/deputies"


@pytest.fixture
def staff(site_group, make_user):
    feixi = site_group["340123"]
    township = TownshipPage.objects.get(division_code="340123100")
    return {
        "editor": make_user("fx-editor", feixi.editors_group),
        "first": make_user("fx-first", feixi.first_reviewers_group),
        "final": make_user("fx-final", feixi.final_reviewers_group),
        "township": make_user("shangpai", township_staff_group(township)),
    }


def listed(client, user, model):
    client.force_login(user)
    response = client.get(f"{ADMIN}/{model}/")
    assert response.status_code == 200, (model, response.status_code)
    return list(response.context["object_list"])


def term_post(congress, number=19):
    return {"congress": congress.pk, "number": number, "start_date": "2026-01-01", "end_date": ""}


def test_a_screen_without_a_form_of_its_own_offers_only_the_users_choices(client, register, staff):
    client.force_login(staff["editor"])
    form = client.get(f"{ADMIN}/term/create/").context["form"]
    offered = set(form.fields["congress"].queryset.values_list("division_code", flat=True))
    assert offered == {"340123", "340123100"}  # the county's and its township's

    before = m.Term.objects.count()
    crafted = client.post(f"{ADMIN}/term/create/", term_post(register.congresses["340121"]))
    assert crafted.status_code == 200
    assert "congress" in crafted.context["form"].errors
    assert m.Term.objects.count() == before

    own = client.post(f"{ADMIN}/term/create/", term_post(register.congresses["340123"]))
    assert own.status_code == 302
    assert m.Term.objects.count() == before + 1


def test_editors_keep_the_rolls_but_delete_no_congress(client, register, staff):
    client.force_login(staff["editor"])
    person = register.people["李芳"]
    assert client.get(f"{ADMIN}/person/edit/{person.pk}/").status_code == 200
    congress = register.congresses["340123"]
    assert client.get(f"{ADMIN}/congress/edit/{congress.pk}/").status_code == 200
    client.post(f"{ADMIN}/congress/delete/{congress.pk}/")
    assert m.Congress.objects.filter(pk=congress.pk).exists()


@pytest.mark.parametrize("who", ["first", "final"])
def test_reviewers_read_the_rolls_and_neither_edit_nor_delete(client, register, staff, who):
    user = staff[who]
    assert register.people["李芳"] in listed(client, user, "person")
    person, congress = register.people["李芳"], register.congresses["340123"]
    for url in (
        f"{ADMIN}/person/edit/{person.pk}/",
        f"{ADMIN}/congress/edit/{congress.pk}/",
        f"{ADMIN}/person/delete/{person.pk}/",
        f"{ADMIN}/congress/delete/{congress.pk}/",
    ):
        assert client.get(url).status_code != 200, url
        client.post(url, {"name": "改名"})
    assert m.Person.objects.get(pk=person.pk).name == "李芳"
    assert m.Congress.objects.filter(pk=congress.pk, name=congress.name).exists()


def test_township_staff_see_only_their_congresses_records(client, register, staff):
    user = staff["township"]
    assert {c.division_code for c in listed(client, user, "congress")} == {"340123100"}
    assert listed(client, user, "term") == [register.terms["340123100"]]
    county = register.congresses["340123"]
    assert client.get(f"{ADMIN}/congress/edit/{county.pk}/").status_code == 404
    assert client.get(f"{ADMIN}/term/edit/{register.terms['340123'].pk}/").status_code == 404
    own = register.congresses["340123100"]
    assert client.get(f"{ADMIN}/congress/edit/{own.pk}/").status_code == 200

    # Their forms offer their congress only, and another congress's id is refused.
    form = client.get(f"{ADMIN}/term/create/").context["form"]
    assert list(form.fields["congress"].queryset) == [own]
    before = m.Term.objects.count()
    crafted = client.post(f"{ADMIN}/term/create/", term_post(county))
    assert "congress" in crafted.context["form"].errors
    assert client.post(f"{ADMIN}/term/create/", term_post(own)).status_code == 302
    assert m.Term.objects.count() == before + 1
    # Nor may they delete their congress.
    client.post(f"{ADMIN}/congress/delete/{own.pk}/")
    assert m.Congress.objects.filter(pk=own.pk).exists()
