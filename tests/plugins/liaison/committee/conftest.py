"""Committee members with accounts, deputies with accounts, and Hefei's office, on the test
group: the committee tests' fixtures (the package's conftest has the citizens' messages
fixtures, with an office of 肥西; this one's ``office`` is Hefei's)."""

from __future__ import annotations

import pytest

from cms.plugins import set_enabled
from cms.services import accounts
from plugins.liaison.committee import CommitteeMember
from tests.plugins.suggestions.conftest import make_deputy


def bearer(user, device: str) -> dict[str, str]:
    tokens = accounts.issue_tokens(user, device_id=device)
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens.access_token}"}


@pytest.fixture
def hefei(site_group):
    for code in ("340000", "340100", "340121", "340123"):
        set_enabled("liaison", site_group[code], True)
    return site_group["340100"]


@pytest.fixture
def deputies(hefei):
    """Four current deputies of the Hefei congress (one also of Feixi's) and one of Changfeng's."""
    return {
        "张伟": make_deputy("张伟", "13900000021", "340100", "340123"),
        "李芳": make_deputy("李芳", "13900000022", "340100"),
        "王强": make_deputy("王强", "13900000023", "340100"),
        "赵敏": make_deputy("赵敏", "13900000024", "340100"),
        "曾国华": make_deputy("曾国华", "13900000025", "340121"),
    }


@pytest.fixture
def office(hefei, make_user):
    return make_user("hefei-office", hefei.editors_group)


@pytest.fixture
def member(hefei, make_user):
    """A committee member of Hefei with a staff-style account of their own (no admin groups)."""
    user = make_user("member-chen")
    record = CommitteeMember.objects.create(site=hefei.site, user=user, name="陈明",
                                            post="常委会委员", term="第十七届")  # fmt: skip
    return record, bearer(user, "member-chen")
