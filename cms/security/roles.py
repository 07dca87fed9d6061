"""The three separated administrator roles of 等保 level 3, kept as Wagtail groups.

* 系统管理员 (system): Wagtail sites, the site group (网站群: every site's
  profile and 新建站点, through ``sitegroup.manage_site_group``, which
  ``cms.sitegroup.access.site_access`` reads), site settings, plugins,
  collections, workflows, redirects, calendars and clocks; no users, no
  groups, no audit log, no pages;
* 安全管理员 (security): users, groups and their permissions, authenticators;
  no site configuration, no audit log;
* 审计管理员 (audit): reads and exports the audit log, nothing else.

No role has page permissions: content belongs to each site's editors and
reviewers. The groups and their permissions are put right after every
``migrate`` (a permission added by hand to a role group is taken away again).
Only a superuser (the installer) may change who holds a role or what a role
may do; the superuser is for installation only (docs/security.md).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied

SYSTEM = "系统管理员"
SECURITY = "安全管理员"
AUDIT = "审计管理员"

COMMON = [("wagtailadmin", "access_admin"), ("security", "requires_second_factor")]
#: (app label, model) whose every permission the role has, or (app label, codename).
SYSTEM_MODELS = [
    ("wagtailcore", "site"),
    ("sitegroup", "siteprofile"),  # with manage_site_group: the whole 网站群 screen
    ("wagtailcore", "collection"),
    ("wagtailcore", "workflow"),
    ("wagtailcore", "task"),
    ("wagtailcore", "locale"),
    ("pluginregistry", "pluginswitch"),
    ("portal", "portalsettings"),
    ("apiaccess", "sitecorsorigin"),
    ("wagtailredirects", "redirect"),
    ("review", "sensitiveword"),
    ("services", "calendarday"),
    ("services", "deadlinesetting"),
]
SECURITY_MODELS = [("auth", "user"), ("auth", "group")]
SECURITY_PERMS = [("security", "manage_second_factor")]
AUDIT_PERMS = [("review", "view_audit_log")]

ROLES = {
    SYSTEM: (SYSTEM_MODELS, []),
    SECURITY: (SECURITY_MODELS, SECURITY_PERMS),
    AUDIT: ([], AUDIT_PERMS),
}


def _permissions(models, codenames) -> list[Permission]:
    perms = list(
        Permission.objects.filter(
            content_type__app_label__in=[a for a, _m in models],
            content_type__model__in=[m for _a, m in models],
        ).select_related("content_type")
    )
    wanted = set(models)
    perms = [p for p in perms if (p.content_type.app_label, p.content_type.model) in wanted]
    for app_label, codename in [*COMMON, *codenames]:
        perms += list(
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
    return perms


def ensure_roles() -> dict[str, Group]:
    """Create the three role groups with exactly their permissions; returns them by name."""
    from django.db.models import Q

    from cms.sitegroup.models import SiteProfile

    groups = {}
    for name, (models, codenames) in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = {p.pk for p in _permissions(models, codenames)}
        current = set(group.permissions.values_list("pk", flat=True))
        if wanted != current:
            group.permissions.set(wanted)
        groups[name] = group
    second = Permission.objects.filter(
        content_type__app_label="security", codename="requires_second_factor"
    ).first()
    if second is not None:
        reviewers = Group.objects.filter(
            Q(pk__in=SiteProfile.objects.values("first_reviewers_group"))
            | Q(pk__in=SiteProfile.objects.values("final_reviewers_group"))
        ).exclude(permissions=second)
        for group in reviewers:
            group.permissions.add(second)
    return groups


def on_post_migrate(sender, using="default", **kwargs):
    """After the last app's permissions exist (post_migrate runs app by app)."""
    from django.apps import apps
    from django.db import DEFAULT_DB_ALIAS

    if using == DEFAULT_DB_ALIAS and sender is list(apps.get_app_configs())[-1]:
        ensure_roles()


# --- Only the installer changes the roles ------------------------------------------


def _actor():
    from wagtail.log_actions import get_active_log_context

    context = get_active_log_context()
    return getattr(context, "user", None) if context is not None else None


def _refuse_unless_superuser(group_names) -> None:
    actor = _actor()
    if actor is None or actor.is_superuser:  # commands, migrations, the installer
        return
    if set(group_names) & set(ROLES):
        raise PermissionDenied("只有安装时的超级管理员可以调整三员角色。")


def on_user_groups_changing(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if reverse:  # group.user_set.add(...)
        names = [instance.name]
    elif action == "pre_clear":
        names = list(instance.groups.values_list("name", flat=True))
    else:
        names = list(Group.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True))
    _refuse_unless_superuser(names)


def on_group_permissions_changing(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if reverse:  # permission.group_set.add(...)
        names = list(Group.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True))
    else:
        names = [instance.name]
    _refuse_unless_superuser(names)


def connect_guards() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed

    User = get_user_model()
    m2m_changed.connect(
        on_user_groups_changing, sender=User.groups.through, dispatch_uid="security.role_members"
    )
    m2m_changed.connect(
        on_group_permissions_changing,
        sender=Group.permissions.through,
        dispatch_uid="security.role_perms",
    )
    connect_group_guards()


def on_group_saving(sender, instance, raw=False, **kwargs):
    if raw or not instance.pk:
        return
    old = Group.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
    if old != instance.name:
        _refuse_unless_superuser([old])


def on_group_deleting(sender, instance, **kwargs):
    _refuse_unless_superuser([instance.name])


def connect_group_guards() -> None:
    from django.db.models.signals import pre_delete, pre_save

    pre_save.connect(on_group_saving, sender=Group, dispatch_uid="security.role_rename")
    pre_delete.connect(on_group_deleting, sender=Group, dispatch_uid="security.role_delete")
