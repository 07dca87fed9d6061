"""Per-site enablement: the switch, who may flip it, signals, demo data, the admin screen."""

from __future__ import annotations

from django.dispatch import Signal
from wagtail.models import ModelLogEntry

from cms.plugins import enabled_site_ids, is_enabled, plugin_receiver, set_enabled, site_access
from cms.plugins.demo import load_plugin_demo
from cms.plugins.models import PluginSwitch
from cms.sitegroup.provisioning import grant_descendant_access

something_happened = Signal()
received: list = []


@plugin_receiver(something_happened, plugin="example")
def on_something(sender, **kwargs):
    received.append(kwargs.get("profile") or kwargs.get("note"))


def test_every_site_has_a_switch_row_and_plugins_start_on(site_group):
    feixi = site_group["340123"]
    assert PluginSwitch.objects.filter(site=feixi.site, plugin="example", enabled=True).exists()
    assert is_enabled("example", feixi) and is_enabled("example", feixi.site_id)


def test_switching_off_and_on_is_audited_and_keeps_data(site_group, make_user):
    from lianxi_example.models import Entry

    feixi = site_group["340123"]
    entry = Entry.objects.create(site_id=feixi.site_id, title="保留")
    admin = make_user("province-admin", superuser=True)
    set_enabled("example", feixi, False, user=admin)
    assert not is_enabled("example", feixi)
    assert feixi.site_id not in enabled_site_ids("example")
    assert Entry.objects.filter(pk=entry.pk).exists()
    log = ModelLogEntry.objects.filter(action="lianxi.plugin_disabled").latest("timestamp")
    assert log.user == admin and log.data["plugin"] == "example"
    set_enabled("example", feixi, True, user=admin)
    assert is_enabled("example", feixi)


def test_core_signals_reach_a_plugin_only_on_its_sites(site_group):
    received.clear()
    feixi, hefei = site_group["340123"], site_group["340100"]
    set_enabled("example", feixi, False)
    something_happened.send(sender=None, profile=feixi)
    something_happened.send(sender=None, profile=hefei)
    something_happened.send(sender=None, note="about no site")
    assert received == [hefei, "about no site"]


def test_demo_data_only_on_enabled_sites(site_group):
    from lianxi_example.models import Entry

    feixi, hefei = site_group["340123"], site_group["340100"]
    set_enabled("example", feixi, False)
    loaded = load_plugin_demo([feixi, hefei])
    assert loaded["example"] == 1  # other plugins (deputies) load on both
    assert Entry.objects.filter(site_id=hefei.site_id).count() == 1
    assert not Entry.objects.filter(site_id=feixi.site_id).exists()
    load_plugin_demo([hefei])  # idempotent
    assert Entry.objects.filter(site_id=hefei.site_id).count() == 1


def test_a_city_switches_its_counties_not_itself_nor_others(site_group, make_user):
    hefei = site_group["340100"]
    grant_descendant_access(hefei)
    staff = make_user("hefei-editor", hefei.editors_group)
    allowed = site_access(staff).switchable_site_ids
    assert allowed == {site_group["340121"].site_id, site_group["340123"].site_id}
    superuser = make_user("root", superuser=True)
    assert site_group["340000"].site_id in site_access(superuser).switchable_site_ids


def test_switch_admin_screen(client, site_group, make_user):
    from django.contrib.auth.models import Permission

    hefei, feixi, wuhu = site_group["340100"], site_group["340123"], site_group["340200"]
    grant_descendant_access(hefei)
    staff = make_user("hefei-admin", hefei.editors_group)
    staff.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="pluginregistry", codename="change_pluginswitch"
        )
    )
    client.force_login(staff)
    listing = client.get("/admin/pluginregistry/pluginswitch/")
    assert listing.status_code == 200
    shown = {s.site_id for s in listing.context["object_list"]}
    assert shown == {feixi.site_id, site_group["340121"].site_id}

    switch = PluginSwitch.objects.get(site=feixi.site, plugin="example")
    response = client.post(f"/admin/pluginregistry/pluginswitch/edit/{switch.pk}/", {})
    assert response.status_code == 302
    assert not is_enabled("example", feixi)
    assert ModelLogEntry.objects.filter(action="lianxi.plugin_disabled").exists()

    other = PluginSwitch.objects.get(site=wuhu.site, plugin="example")
    assert client.get(f"/admin/pluginregistry/pluginswitch/edit/{other.pk}/").status_code == 404


def test_one_migrate_grants_a_new_plugins_permissions_to_existing_sites(site_group):
    """A plugin added to a running group: its permissions do not exist yet when the
    sites' groups are granted (post_migrate), and one ``migrate`` must still grant them."""
    from django.contrib.auth.models import Permission
    from django.core.management import call_command

    Permission.objects.filter(content_type__app_label="example").delete()  # "not yet installed"
    feixi = site_group["340123"]

    def held(group):
        return set(
            group.permissions.filter(content_type__app_label="example").values_list(
                "codename", flat=True
            )
        )

    assert held(feixi.editors_group) == set()
    call_command("migrate", verbosity=0, interactive=False)
    assert held(feixi.editors_group) == {"add_entry", "change_entry", "view_entry"}
    assert held(feixi.final_reviewers_group) == {"change_entry", "delete_entry"}
    assert held(feixi.first_reviewers_group) == set()


def test_role_permissions_are_kept_exact_on_migrate(site_group):
    """A permission a role no longer lists is taken away from existing groups."""
    from django.contrib.auth.models import Permission
    from django.core.management import call_command

    feixi = site_group["340123"]
    stale = Permission.objects.get(content_type__app_label="example", codename="delete_entry")
    feixi.first_reviewers_group.permissions.add(stale)
    call_command("migrate", verbosity=0, interactive=False)
    assert not feixi.first_reviewers_group.permissions.filter(pk=stale.pk).exists()
    assert feixi.final_reviewers_group.permissions.filter(pk=stale.pk).exists()
