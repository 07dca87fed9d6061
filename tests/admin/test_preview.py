"""The editor's preview names the portal it belongs to."""

import pytest
from django.urls import reverse

from .helpers import add_url, article_form, client_for, created, first_column

FEIXI = "340123"


@pytest.fixture
def editor(site_group, make_user):
    return make_user("pv-editor", site_group[FEIXI].editors_group)


def test_preview_header_shows_the_site_name(site_group, editor):
    column = first_column(site_group[FEIXI])
    client = client_for(editor)
    data = article_form("预览中的文章")
    # A new page (not saved yet), then a saved one.
    url = reverse("wagtailadmin_pages:preview_on_add", args=("content", "articlepage", column.pk))
    assert client.post(url, data).json()["is_valid"]
    html = client.get(url).content.decode()
    assert "肥西县人大常委会 · 预览" in html

    client.post(add_url(column), data)
    page = created(column, "预览中的文章")
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(page.pk,))
    assert client.post(url, article_form("预览中的文章", slug=page.slug)).json()["is_valid"]
    assert "肥西县人大常委会 · 预览" in client.get(url).content.decode()
