"""较早的页面 (the aging pages report) names who published last as everywhere else."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from cms.content.models import ArticlePage
from cms.people.models import StaffProfile

from .helpers import client_for, first_column

FEIXI = "340123"


def report(client) -> str:
    """The report's articles (as the installer: no staff role publishes directly, so the
    report lists pages only to superusers)."""
    articles = ContentType.objects.get_for_model(ArticlePage).pk
    response = client.get(reverse("wagtailadmin_reports:aging_pages"), {"content_type": articles})
    assert response.status_code == 200
    return response.content.decode()


def publish(column, title, user=None):
    page = ArticlePage(title=title, slug=f"aging-{len(title)}-{abs(hash(title)) % 10**6}")
    page.date = "2026-03-01"
    column.add_child(instance=page)
    # Directly, as the last step of a review or a script would (not a permission test).
    page.save_revision(user=user).publish(user=user, skip_permission_checks=True)
    return page


def row_text(html: str, title: str) -> str:
    """The visible text of the report's row for the page titled ``title``."""
    rows = [row for row in html.split("<tr") if title in row]
    assert len(rows) == 1, (title, len(rows))
    text = re.sub(r"<[^>]+>", " ", rows[0].split("</tr>")[0])
    return " ".join(text.split())


@pytest.fixture
def final(site_group, make_user):
    user = make_user("aging-final", site_group[FEIXI].final_reviewers_group)
    StaffProfile.objects.create(user=user, name="王建华", unit="肥西县人大常委会研究室")
    return user


@pytest.fixture
def installer(make_user):
    return client_for(make_user("aging-root", superuser=True))


def test_the_report_names_the_publisher_and_the_system(site_group, final, installer):
    column = first_column(site_group[FEIXI])
    publish(column, "终审发布的稿件", user=final)
    publish(column, "脚本发布的稿件")  # a command or an import: no user

    html = report(installer)
    by_person = row_text(html, "终审发布的稿件")
    assert "王建华(肥西县人大常委会研究室)" in by_person
    assert "aging-final" not in by_person
    by_script = row_text(html, "脚本发布的稿件")
    assert "系统" in by_script
    assert "None" not in by_script


def test_an_account_without_profile_is_named_by_its_user_name(site_group, make_user, installer):
    user = make_user("aging-plain", site_group[FEIXI].final_reviewers_group)
    publish(first_column(site_group[FEIXI]), "无姓名账号发布的稿件", user=user)
    assert "aging-plain" in row_text(report(installer), "无姓名账号发布的稿件")
