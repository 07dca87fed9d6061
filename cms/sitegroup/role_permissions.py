"""The model permissions of each staff role: declared by each app, kept exact, one owner.

A site has three staff groups (``SiteProfile.editors_group``, ``first_reviewers_group``,
``final_reviewers_group``: 编辑, 初审, 终审) and each township column one (乡镇人大工作人员,
``cms.sitegroup.provisioning.ensure_township_staff``). What these groups may do to
models is declared by the app that owns the models, on its ``AppConfig``::

    class FeedbackConfig(AppConfig):
        group_permissions = {"editors": ("feedback.change_feedback", "feedback.view_feedback")}

Roles are ``ROLES``. Core apps and plugins (``cms.plugins.PluginConfig.group_permissions``)
declare alike, and only here are the declarations applied:

* when a site is provisioned: its three groups (``provision_site``);
* when a township's staff group is created or repaired (``ensure_township_staff``);
* after every ``migrate``: every site's and township's groups, once all apps'
  permissions exist (so an app or plugin added to a running group needs one ``migrate``).

Kept exact: of a declaring app's own permissions (its content types), a role's
groups hold exactly the declared ones; a permission added by hand to a role group
is taken away again on the next ``migrate``. Permissions of apps that declare
nothing, and groups that are no role's, are left alone. Page and collection
permissions are ``cms.sitegroup.provisioning``'s; the per-site permission on the
micro-portal's site settings (a Wagtail ``GroupSitePermission``, not a model
permission) is ``cms.portal.permissions``'.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured

#: A site's staff roles (the ``<role>_group`` fields of ``SiteProfile``).
SITE_ROLES = ("editors", "first_reviewers", "final_reviewers")
#: The staff group of a township column. Its rows are limited to the township's own
#: by the model's ``township_field`` (``cms.sitegroup.access``).
TOWNSHIP_ROLE = "township_staff"
ROLES = (*SITE_ROLES, TOWNSHIP_ROLE)


def declaring_apps() -> list:
    """The installed apps that declare role permissions (core apps and plugins)."""
    from django.apps import apps

    return [c for c in apps.get_app_configs() if getattr(c, "group_permissions", None)]


def declared(app_configs: Iterable | None = None) -> dict[str, set[str]]:
    """``{role: {"app.codename", ...}}`` of the given apps (default: every declaring app)."""
    wanted = {role: set() for role in ROLES}
    for config in app_configs if app_configs is not None else declaring_apps():
        for role, perms in config.group_permissions.items():
            if role not in wanted:
                raise ImproperlyConfigured(
                    f"{config.label}: group_permissions: unknown role {role!r} ({ROLES})."
                )
            foreign = [p for p in perms if p.split(".", 1)[0] != config.label]
            if foreign:
                raise ImproperlyConfigured(
                    f"{config.label}: group_permissions may only name its own permissions, "
                    f"not {', '.join(foreign)}."
                )
            wanted[role].update(perms)
    return wanted


def role_groups(profiles=None, township_groups=None) -> dict[str, list]:
    """The staff groups of each role: the given sites' (all by default) and townships'."""
    from django.contrib.auth.models import Group

    from cms.content.models import TownshipPage

    from .models import SiteProfile

    if profiles is None:
        profiles = list(SiteProfile.objects.select_related(*(f"{r}_group" for r in SITE_ROLES)))
    groups = {
        role: [g for p in profiles if (g := getattr(p, f"{role}_group", None)) is not None]
        for role in SITE_ROLES
    }
    if township_groups is None:
        site_group_ids = {
            pk
            for row in SiteProfile.objects.values_list(*(f"{r}_group" for r in SITE_ROLES))
            for pk in row
            if pk is not None
        }
        township_groups = list(
            Group.objects.filter(page_permissions__page__in=TownshipPage.objects.values("pk"))
            .exclude(pk__in=site_group_ids)
            .distinct()
        )
    groups[TOWNSHIP_ROLE] = list(township_groups)
    return groups


def grant_role_permissions(
    profiles=None, township_groups=None, app_configs: Iterable | None = None
) -> None:
    """Give each role's groups exactly the declared model permissions.

    ``profiles`` (default: every site) and ``township_groups`` (default: every
    township column's group) choose the groups; ``app_configs`` (default: every
    declaring app) the declarations. A group keeps what it holds of other apps.
    """
    from django.contrib.auth.models import Permission

    configs = list(app_configs) if app_configs is not None else declaring_apps()
    if not configs:
        return
    wanted = declared(configs)
    owned = {
        f"{app}.{codename}": pk
        for pk, app, codename in Permission.objects.filter(
            content_type__app_label__in=[c.label for c in configs]
        ).values_list("pk", "content_type__app_label", "codename")
    }
    if not owned:
        return  # before the first migrate created them
    groups = role_groups(profiles, township_groups)
    for role, perms in wanted.items():
        keep = {owned[p] for p in perms if p in owned}
        drop = set(owned.values()) - keep
        for group in groups[role]:
            if keep:
                group.permissions.add(*keep)
            if drop:
                group.permissions.remove(*drop)


def _last_app_with_models():
    from django.apps import apps

    return [c for c in apps.get_app_configs() if c.models_module is not None][-1]


def on_post_migrate(sender, using="default", **kwargs) -> None:
    """Once per ``migrate`` (``post_migrate`` is sent app by app): after the last app."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes
    from django.db import DEFAULT_DB_ALIAS, connections

    from .models import SiteProfile

    if using != DEFAULT_DB_ALIAS or sender is not _last_app_with_models():
        return
    # A partial migrate (``migrate sitegroup zero``) still sends post_migrate.
    if SiteProfile._meta.db_table not in connections[using].introspection.table_names():
        return
    configs = declaring_apps()
    # Django creates an app's permissions in its own post_migrate receiver, which
    # may run after this one: create the declaring apps' first, so one migrate grants.
    state = {"apps": kwargs["apps"]} if "apps" in kwargs else {}
    for config in configs:
        create_contenttypes(config, verbosity=0, using=using, **state)
        create_permissions(config, verbosity=0, using=using, **state)
    grant_role_permissions(app_configs=configs)
