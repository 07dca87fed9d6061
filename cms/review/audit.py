"""The audit log: Wagtail's log entries, each naming the site, plus logins and permission changes.

Wagtail already records publish, unpublish and every workflow step as
``PageLogEntry`` rows. A ``pre_save`` receiver adds ``data["site"]`` (the
division code) and ``data["site_name"]`` to every page and model log entry
that lacks them. Logins, failed logins and changes to group permissions,
group membership and page/collection permissions are logged here with the
actions ``lianxi.login``, ``lianxi.login_failed`` and
``lianxi.permission_change``. Who made a change comes from Wagtail's
``LogContext``, which the admin sets for every request.

等保 level 3 (docs/security.md): every entry also gets ``data["ip"]``, the
client's address as ``cms.services.clients.client_ip`` knows it (set for the
request by :class:`AuditAddressMiddleware`; empty for commands and background
tasks), and a link in the HMAC hash chain of ``cms.review.audit_chain``
(tamper evidence, ``verify_audit_log``, retention and export).
"""

from __future__ import annotations

import contextvars

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from wagtail.log_actions import log
from wagtail.models import (
    GroupCollectionPermission,
    GroupPagePermission,
    ModelLogEntry,
    PageLogEntry,
)

from cms.services.clients import client_ip
from cms.sitegroup.tree import site_values_for_path as profile_values_for_path

LOGIN = "lianxi.login"
LOGIN_FAILED = "lianxi.login_failed"
PERMISSION_CHANGE = "lianxi.permission_change"
PUBLICATION_REFUSED = "lianxi.publication_refused"


# --- The source address on every log entry ------------------------------------

_address: contextvars.ContextVar[str] = contextvars.ContextVar("lianxi_audit_ip", default="")


class AuditAddressMiddleware:
    """Remember the client's address for the log entries written during the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _address.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _address.reset(token)


def current_address() -> str:
    return _address.get()


def add_address_to_entry(sender, instance, raw=False, **kwargs):
    if raw or instance.pk:
        return
    data = instance.data if isinstance(instance.data, dict) else {}
    if "ip" not in data:
        instance.data = {**data, "ip": current_address()}


# --- The site on every log entry --------------------------------------------


def _site_data(values: dict | None) -> dict:
    if not values:
        return {}
    return {"site": values["division_code"], "site_name": values["name"]}


def _profile_values_for_site_id(site_id) -> dict | None:
    from cms.sitegroup.models import SiteProfile

    if site_id is None:
        return None
    return (
        SiteProfile.objects.filter(site_id=site_id)
        .values("site_id", "division_code", "name")
        .first()
    )


def _profile_values_for_group(group_id) -> dict | None:
    from django.db.models import Q

    from cms.sitegroup.models import SiteProfile

    return (
        SiteProfile.objects.filter(
            Q(editors_group_id=group_id)
            | Q(first_reviewers_group_id=group_id)
            | Q(final_reviewers_group_id=group_id)
        )
        .values("site_id", "division_code", "name")
        .first()
    )


def _profile_values_for_model_entry(entry) -> dict | None:
    from cms.sitegroup.models import SiteProfile

    model = entry.content_type.model_class() if entry.content_type_id else None
    if model is None:
        return None
    if issubclass(model, SiteProfile):
        return (
            SiteProfile.objects.filter(pk=entry.object_id)
            .values("site_id", "division_code", "name")
            .first()
        )
    if model._meta.label == "wagtailcore.Site":
        return _profile_values_for_site_id(entry.object_id)
    if issubclass(model, Group):
        return _profile_values_for_group(entry.object_id)
    try:
        field = model._meta.get_field("site")
    except Exception:
        return None
    if getattr(field, "related_model", None) is None:
        return None
    site_id = (
        model._default_manager.filter(pk=entry.object_id).values_list("site_id", flat=True).first()
    )
    return _profile_values_for_site_id(site_id)


def add_site_to_page_entry(sender, instance, **kwargs):
    data = instance.data if isinstance(instance.data, dict) else {}
    if "site" in data or not instance.page_id:
        return
    page = instance.page  # cached by log_action; a query otherwise
    instance.data = {**data, **_site_data(profile_values_for_path(page.path))}


def add_site_to_model_entry(sender, instance, **kwargs):
    data = instance.data if isinstance(instance.data, dict) else {}
    if "site" in data:
        return
    try:
        values = _profile_values_for_model_entry(instance)
    except Exception:  # the audit log never breaks the action it records
        values = None
    if values:
        instance.data = {**data, **_site_data(values)}


# --- Logins -----------------------------------------------------------------


def _client_ip(request) -> str:
    if request is None:
        return current_address()
    return client_ip(request)


def _sites_of_user(user) -> list[dict]:
    from cms.sitegroup.access import site_access
    from cms.sitegroup.models import SiteProfile

    access = site_access(user)
    if access.is_superuser:  # not attached to a site: every entry would list them all
        return []
    return list(
        SiteProfile.objects.filter(site_id__in=access.site_ids)
        .order_by("division_code")
        .values("site_id", "division_code", "name")
    )


def _user_site_data(user) -> dict:
    sites = _sites_of_user(user)
    data = {"sites": [s["division_code"] for s in sites]}
    # One site: name it like any other entry. Several (a city managing its
    # counties) or none (superusers): "site" stays empty.
    data.update(_site_data(sites[0]) if len(sites) == 1 else {"site": "", "site_name": ""})
    return data


def on_user_logged_in(sender, request, user, **kwargs):
    log(
        instance=user,
        action=LOGIN,
        user=user,
        data={"ip": _client_ip(request), **_user_site_data(user)},
    )


def on_user_login_failed(sender, credentials, request=None, **kwargs):
    User = get_user_model()
    username = (credentials or {}).get(User.USERNAME_FIELD) or (credentials or {}).get("username")
    if not username:
        return
    user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
    if user is None:
        return
    log(
        instance=user,
        action=LOGIN_FAILED,
        user=None,
        data={"ip": _client_ip(request), "username": username, **_user_site_data(user)},
    )


# --- Permission changes -----------------------------------------------------


def _permission_labels(pks) -> list[str]:
    return [
        f"{app}.{codename}"
        for app, codename in Permission.objects.filter(pk__in=pks)
        .order_by("content_type__app_label", "codename")
        .values_list("content_type__app_label", "codename")
    ]


def _verb(action: str) -> str:
    return "added" if action == "post_add" else "removed"


def _log_group_permissions(group, action, permission_pks):
    if not permission_pks:
        return
    log(
        instance=group,
        action=PERMISSION_CHANGE,
        data={
            "change": f"group_permissions_{_verb(action)}",
            "group": group.name,
            "permissions": _permission_labels(permission_pks),
            **_site_data(_profile_values_for_group(group.pk)),
        },
    )


def _m2m_change(instance, action, pk_set, related):
    """``(action, pk_set)`` of an m2m signal as add/remove, or ``None`` to ignore it.

    A clear is reported as removing what was there: the rows are gone after
    the clear, so ``pre_clear`` remembers them from the ``related`` manager.
    """
    if action == "pre_clear":
        instance._lianxi_cleared = list(related.values_list("pk", flat=True))
        return None
    if action == "post_clear":
        action, pk_set = "post_remove", set(getattr(instance, "_lianxi_cleared", []))
    if action not in ("post_add", "post_remove") or not pk_set:
        return None
    return action, pk_set


def on_group_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    change = _m2m_change(
        instance, action, pk_set, instance.group_set if reverse else instance.permissions
    )
    if change is None:
        return
    action, pk_set = change
    if reverse:  # permission.group_set.add(group, ...)
        for group in Group.objects.filter(pk__in=pk_set):
            _log_group_permissions(group, action, [instance.pk])
    else:
        _log_group_permissions(instance, action, pk_set)


def _log_user_groups(user, action, group_pks):
    if not group_pks:
        return
    groups = list(Group.objects.filter(pk__in=group_pks).order_by("name"))
    sites = [v for v in (_profile_values_for_group(g.pk) for g in groups) if v]
    log(
        instance=user,
        action=PERMISSION_CHANGE,
        data={
            "change": f"user_groups_{_verb(action)}",
            "user": user.get_username(),
            "groups": [g.name for g in groups],
            "sites": sorted({s["division_code"] for s in sites}),
            **(_site_data(sites[0]) if sites else {"site": "", "site_name": ""}),
        },
    )


def on_user_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    change = _m2m_change(
        instance, action, pk_set, instance.user_set if reverse else instance.groups
    )
    if change is None:
        return
    action, pk_set = change
    if reverse:  # group.user_set.add(user, ...)
        for user in get_user_model()._default_manager.filter(pk__in=pk_set):
            _log_user_groups(user, action, [instance.pk])
    else:
        _log_user_groups(instance, action, pk_set)


def on_user_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove") or not pk_set or reverse:
        return
    log(
        instance=instance,
        action=PERMISSION_CHANGE,
        data={
            "change": f"user_permissions_{_verb(action)}",
            "user": instance.get_username(),
            "permissions": _permission_labels(pk_set),
            "site": "",
            "site_name": "",
        },
    )


def _log_object_permission(instance, created: bool, kind: str):
    try:
        group = instance.group
        permission = instance.permission
        target = instance.page if kind == "page" else instance.collection
    except Exception:  # cascading delete of the group, page or collection
        return
    if kind == "page":
        site = profile_values_for_path(target.path)
    else:
        site = _profile_values_for_group(group.pk)
    log(
        instance=group,
        action=PERMISSION_CHANGE,
        data={
            "change": f"{kind}_permission_{'added' if created else 'removed'}",
            "group": group.name,
            kind: {"id": target.pk, "title": str(target)},
            "permission": f"{permission.content_type.app_label}.{permission.codename}",
            **_site_data(site),
        },
    )


def on_page_permission_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        _log_object_permission(instance, True, "page")


def on_page_permission_deleted(sender, instance, **kwargs):
    _log_object_permission(instance, False, "page")


def on_collection_permission_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        _log_object_permission(instance, True, "collection")


def on_collection_permission_deleted(sender, instance, **kwargs):
    _log_object_permission(instance, False, "collection")


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in, user_login_failed

    User = get_user_model()
    uid = "lianxi.review.audit"
    from . import audit_chain

    pre_save.connect(add_address_to_entry, sender=PageLogEntry, dispatch_uid=f"{uid}.page_ip")
    pre_save.connect(add_address_to_entry, sender=ModelLogEntry, dispatch_uid=f"{uid}.model_ip")
    audit_chain.connect()
    pre_save.connect(add_site_to_page_entry, sender=PageLogEntry, dispatch_uid=f"{uid}.page")
    pre_save.connect(add_site_to_model_entry, sender=ModelLogEntry, dispatch_uid=f"{uid}.model")
    user_logged_in.connect(on_user_logged_in, dispatch_uid=f"{uid}.login")
    user_login_failed.connect(on_user_login_failed, dispatch_uid=f"{uid}.login_failed")
    m2m_changed.connect(
        on_group_permissions_changed,
        sender=Group.permissions.through,
        dispatch_uid=f"{uid}.group_perms",
    )
    m2m_changed.connect(
        on_user_groups_changed, sender=User.groups.through, dispatch_uid=f"{uid}.user_groups"
    )
    m2m_changed.connect(
        on_user_permissions_changed,
        sender=User.user_permissions.through,
        dispatch_uid=f"{uid}.user_perms",
    )
    post_save.connect(
        on_page_permission_saved, sender=GroupPagePermission, dispatch_uid=f"{uid}.gpp_save"
    )
    post_delete.connect(
        on_page_permission_deleted, sender=GroupPagePermission, dispatch_uid=f"{uid}.gpp_del"
    )
    post_save.connect(
        on_collection_permission_saved,
        sender=GroupCollectionPermission,
        dispatch_uid=f"{uid}.gcp_save",
    )
    post_delete.connect(
        on_collection_permission_deleted,
        sender=GroupCollectionPermission,
        dispatch_uid=f"{uid}.gcp_del",
    )
