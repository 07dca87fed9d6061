"""A Chinese title gives a readable pinyin slug; the form never fails on the slug."""

import pytest
from django.urls import reverse

from cms.content.slugs import pinyin_slug

from .helpers import add_url, article_form, client_for, created, first_column

FEIXI = "340123"


@pytest.fixture
def editor(site_group, make_user):
    return make_user("slug-editor", site_group[FEIXI].editors_group)


def test_pinyin_slug_is_ascii_and_grouped_by_word():
    slug = pinyin_slug("肥西县人大常委会召开代表座谈会")
    assert slug.isascii() and slug == slug.lower()
    assert slug.startswith("feixi") and "zuotanhui" in slug
    assert pinyin_slug("2026年工作要点").startswith("2026")
    assert pinyin_slug("") == ""


def test_chinese_title_with_empty_slug_is_saved_with_pinyin(site_group, editor):
    column = first_column(site_group[FEIXI])
    client = client_for(editor)
    response = client.post(add_url(column), article_form("代表联络站接待选民"))
    assert response.status_code == 302, response.content.decode()[:2000]
    page = created(column, "代表联络站接待选民")
    assert page.slug == pinyin_slug("代表联络站接待选民")
    assert "lianluozhan" in page.slug

    # The same title again under the same column: a free slug, still no error.
    response = client.post(add_url(column), article_form("代表联络站接待选民"))
    assert response.status_code == 302
    slugs = sorted(
        type(page).objects.child_of(column).filter(title=page.title).values_list("slug", flat=True)
    )
    assert slugs == [page.slug, f"{page.slug}-2"]


def test_slug_is_stable_when_the_title_changes(site_group, editor):
    column = first_column(site_group[FEIXI])
    client = client_for(editor)
    client.post(add_url(column), article_form("常委会召开第一次会议"))
    page = created(column, "常委会召开第一次会议")
    slug = page.slug
    edit = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    # The admin's slug sync may post an empty slug for a Chinese title.
    response = client.post(edit, article_form("常委会召开第二次会议"))
    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()
    assert page.get_latest_revision_as_object().title == "常委会召开第二次会议"
    assert page.get_latest_revision_as_object().slug == slug


def test_slug_field_is_optional_and_explained_in_chinese(site_group, editor):
    column = first_column(site_group[FEIXI])
    html = client_for(editor).get(add_url(column)).content.decode()
    assert "留空则按标题的拼音自动生成" in html


@pytest.mark.parametrize(
    ("title", "synced"), [("2026年工作要点", "2026"), ("关于ABC的通知", "abc")]
)
def test_the_admins_slug_sync_of_a_mixed_title_gives_way_to_the_pinyin(
    site_group, editor, title, synced
):
    """In a browser the admin's JavaScript fills the slug from the title and keeps
    only its Latin letters and digits; on a new page that is not the editor's slug."""
    column = first_column(site_group[FEIXI])
    client = client_for(editor)
    response = client.post(add_url(column), article_form(title, slug=synced))
    assert response.status_code == 302, response.content.decode()[:2000]
    page = created(column, title)
    assert page.slug == pinyin_slug(title) != synced
    # The form stays open and its sync goes on: saving the draft again keeps the slug.
    edit = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    response = client.post(edit, article_form(title, slug=synced))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert page.get_latest_revision_as_object().slug == pinyin_slug(title)
    # A slug the editor typed is kept.
    response = client.post(add_url(column), article_form(f"{title}(二)", slug="my-slug"))
    assert response.status_code == 302
    assert created(column, f"{title}(二)").slug == "my-slug"
