"""Helpers of the 等保 tests: the three role groups and users in them."""

import pytest
from django.contrib.auth.models import Group

from cms.security import roles


@pytest.fixture
def role_users(db, make_user):
    groups = roles.ensure_roles()
    return {
        "system": make_user("sys-admin", groups[roles.SYSTEM]),
        "security": make_user("sec-admin", groups[roles.SECURITY]),
        "audit": make_user("audit-admin", groups[roles.AUDIT]),
    }


@pytest.fixture
def role_groups(db):
    roles.ensure_roles()
    return {name: Group.objects.get(name=name) for name in roles.ROLES}
