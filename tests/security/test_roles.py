"""The three separated admin roles: each opens its own screens and none of the others'."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse

from cms.security import roles

SCREENS = {
    "sites": "/admin/sites/",
    "site_group": "/admin/sitegroup/siteprofile/",
    "workflows": "/admin/workflows/list/",
    "users": "/admin/users/",
    "groups": "/admin/groups/",
    "second_factor": "/admin/security/second-factor/",
    "audit_log": "/admin/audit-log/",
    "pages": "/admin/pages/",
    "images": "/admin/images/",
}
ALLOWED = {
    "system": {"sites", "site_group", "workflows"},
    "security": {"users", "groups", "second_factor"},
    "audit": {"audit_log"},
}


def opens(client, url) -> bool:
    if not url.startswith("/"):
        url = reverse(url)
    response = client.get(url)
    if response.status_code == 302 and response["Location"].startswith(url):
        response = client.get(response["Location"])  # e.g. a list's canonical address
    return response.status_code == 200


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_each_role_opens_its_own_screens_and_no_other(site_group, role_users, role):
    client = Client()
    client.force_login(role_users[role])
    result = {name: opens(client, url) for name, url in SCREENS.items()}
    assert {name for name, ok in result.items() if ok} == ALLOWED[role]


def test_the_security_admin_cannot_hand_out_the_roles(site_group, role_users, role_groups):
    target = role_users["system"]
    audit_group = role_groups[roles.AUDIT]
    from django.core.exceptions import PermissionDenied
    from wagtail.log_actions import LogContext

    with pytest.raises(PermissionDenied), transaction.atomic():
        with LogContext(user=role_users["security"]):
            target.groups.add(audit_group)
    assert not target.groups.filter(pk=audit_group.pk).exists()
    with pytest.raises(PermissionDenied), transaction.atomic():
        with LogContext(user=role_users["security"]):
            audit_group.permissions.clear()
    with pytest.raises(PermissionDenied), transaction.atomic():
        with LogContext(user=role_users["security"]):
            audit_group.name = "随便什么组"
            audit_group.save()
    # The installer (a superuser) may.
    root = get_user_model().objects.create_superuser("installer", password="x")
    with LogContext(user=root):
        target.groups.add(audit_group)
    assert target.groups.filter(pk=audit_group.pk).exists()


def test_roles_are_put_right_after_migrate(role_groups):
    from django.contrib.auth.models import Permission

    audit_group = role_groups[roles.AUDIT]
    audit_group.permissions.add(Permission.objects.get(codename="change_user"))
    roles.ensure_roles()
    assert sorted(audit_group.permissions.values_list("codename", flat=True)) == [
        "access_admin",
        "requires_second_factor",
        "view_audit_log",
    ]


def test_reviewers_groups_require_the_second_factor(site_group):
    profile = site_group["340123"]
    for group in (profile.first_reviewers_group, profile.final_reviewers_group):
        assert group.permissions.filter(codename="requires_second_factor").exists()
    assert not profile.editors_group.permissions.filter(codename="requires_second_factor").exists()
