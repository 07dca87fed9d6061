"""Each staff role's model permissions: one owner (``cms.sitegroup.role_permissions``).

The core apps and the plugins declare ``group_permissions`` on their ``AppConfig``;
a new site's groups, a township's staff group, and every existing site's groups
after ``migrate`` hold exactly what is declared (of the declaring apps' own
permissions), no more, no less.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.management import call_command

from cms.content.models import TownshipPage
from cms.sitegroup.models import SiteProfile
from cms.sitegroup.provisioning import township_staff_group

pytestmark = pytest.mark.django_db

CRUD = ("add", "change", "delete", "view")
#: What the core apps' screens need, by role (the behaviour before one owner held it).
CORE = {
    "editors": {
        *(f"accounts.{a}_handlingunit" for a in CRUD),
        "moderation.change_moderationitem",
        "feedback.change_feedback",
        "feedback.view_feedback",
        "review.view_sensitiveword",
    },
    "first_reviewers": {
        "moderation.change_moderationitem",
        *(f"review.{a}_sensitiveword" for a in CRUD),
    },
    "final_reviewers": {
        "moderation.change_moderationitem",
        *(f"review.{a}_sensitiveword" for a in CRUD),
        *(f"apiaccess.{a}_sitecorsorigin" for a in CRUD),
        *(f"services.{a}_deadlinesetting" for a in CRUD),
        "notifications.view_delivery",
    },
    "township_staff": set(),
}
CORE_APPS = {"accounts", "moderation", "feedback", "review", "apiaccess", "services",
             "notifications"}  # fmt: skip


def plugin_declarations() -> dict[str, set[str]]:
    from cms.plugins.registry import get_plugins

    wanted = {role: set() for role in CORE}
    for plugin in get_plugins():
        for role, perms in plugin.group_permissions.items():
            wanted[role].update(perms)
    return wanted


def expected() -> dict[str, set[str]]:
    plugins = plugin_declarations()
    return {role: CORE[role] | plugins[role] for role in CORE}


def managed_apps() -> set[str]:
    from cms.plugins.registry import get_plugins

    return CORE_APPS | {p.label for p in get_plugins() if p.group_permissions}


def held(group) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.filter(
            content_type__app_label__in=managed_apps()
        ).values_list("content_type__app_label", "codename")
    }


def site_roles(profile) -> dict[str, object]:
    return {
        "editors": profile.editors_group,
        "first_reviewers": profile.first_reviewers_group,
        "final_reviewers": profile.final_reviewers_group,
    }


def test_the_core_declarations_are_on_the_apps():
    declared = {
        config.label
        for config in apps.get_app_configs()
        if getattr(config, "group_permissions", None)
    }
    assert CORE_APPS <= declared


def test_a_new_site_s_groups_get_exactly_the_declared_permissions(site_group):
    call_command("create_site", "340124", "庐江县人大常委会", "--region-name", "庐江县",
                 "--parent", "340100", stdout=None)  # fmt: skip
    profile = SiteProfile.objects.get(division_code="340124")
    want = expected()
    for role, group in site_roles(profile).items():
        assert held(group) == want[role], role
    # Every permission listed exists (a typo in a declaration would be granted nothing).
    for perms in want.values():
        for perm in perms:
            app, codename = perm.split(".")
            assert Permission.objects.filter(
                content_type__app_label=app, codename=codename
            ).exists(), perm


def test_a_township_s_staff_group_gets_exactly_the_declared_permissions(site_group):
    group = township_staff_group(TownshipPage.objects.get(division_code="340123100"))
    assert held(group) == expected()["township_staff"]


def test_migrate_makes_existing_sites_groups_exact(site_group):
    feixi = site_group["340123"]

    def perm(label):
        app, codename = label.split(".")
        return Permission.objects.get(content_type__app_label=app, codename=codename)

    # Drift: a permission a role does not declare added by hand, declared ones taken away.
    feixi.editors_group.permissions.add(perm("feedback.delete_feedback"))
    feixi.first_reviewers_group.permissions.add(perm("notifications.view_delivery"))
    feixi.first_reviewers_group.permissions.remove(perm("moderation.change_moderationitem"))
    feixi.final_reviewers_group.permissions.remove(perm("apiaccess.change_sitecorsorigin"))
    township = township_staff_group(TownshipPage.objects.get(division_code="340123100"))
    township.permissions.add(perm("feedback.view_feedback"))
    # A permission of an app that declares nothing is left alone.
    feixi.editors_group.permissions.add(perm("wagtailredirects.add_redirect"))

    call_command("migrate", verbosity=0, interactive=False)

    want = expected()
    for profile in SiteProfile.objects.all():
        for role, group in site_roles(profile).items():
            assert held(group) == want[role], (profile.division_code, role)
    assert held(township) == want["township_staff"]
    assert feixi.editors_group.permissions.filter(codename="add_redirect").exists()
