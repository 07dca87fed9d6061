"""The word form: 所属站点 is required for site staff, and its help says so."""

import pytest
from django.urls import reverse

from .helpers import client_for

FEIXI = "340123"


@pytest.fixture
def reviewer(site_group, make_user):
    return make_user("w-first", site_group[FEIXI].first_reviewers_group)


def test_site_field_help_matches_it_being_required(reviewer):
    html = client_for(reviewer).get(reverse("review_sensitiveword_modeladmin_create")).content
    html = html.decode()
    assert "留空表示全网站群通用" not in html
    assert "全网站群通用的条目由系统管理员维护" in html


def test_superuser_may_leave_it_empty_and_is_told_so(make_user):
    admin = make_user("w-admin", superuser=True)
    html = client_for(admin).get(reverse("review_sensitiveword_modeladmin_create")).content
    assert "留空表示全网站群通用" in html.decode()
