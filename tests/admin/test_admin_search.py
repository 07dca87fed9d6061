"""The admin's search understands Chinese: pages (drafts too), images, documents; one search box."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from .helpers import add_url, article_form, client_for, created, first_column

FEIXI, CHANGFENG = "340123", "340121"


@pytest.fixture
def editor(site_group, make_user):
    return make_user("s-editor", site_group[FEIXI].editors_group)


def test_page_search_finds_chinese_words_in_drafts_of_the_users_sites_only(
    site_group, editor, make_user
):
    feixi_column = first_column(site_group[FEIXI])
    client = client_for(editor)
    client.post(add_url(feixi_column), article_form("上派镇代表联络站接待选民"))  # a draft
    draft = created(feixi_column, "上派镇代表联络站接待选民")
    assert not draft.live
    other = make_user("s-other", site_group[CHANGFENG].editors_group)
    changfeng_column = first_column(site_group[CHANGFENG])
    client_for(other).post(add_url(changfeng_column), article_form("长丰县代表联络站揭牌"))

    response = client.get(reverse("wagtailadmin_pages:search"), {"q": "联络站"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "上派镇代表联络站接待选民" in html
    assert "长丰县代表联络站揭牌" not in html  # another county's page
    # A word in the middle of a run, and a word crossing segment boundaries.
    for q in ("代表联络", "接待选民", "镇代"):
        found = client.get(reverse("wagtailadmin_pages:search"), {"q": q}).content.decode()
        assert "上派镇代表联络站接待选民" in found, q
    missing = client.get(reverse("wagtailadmin_pages:search"), {"q": "联络处"}).content.decode()
    assert "上派镇代表联络站接待选民" not in missing


def test_image_and_document_search_understand_chinese(site_group, editor):
    collection = site_group[FEIXI].collection
    get_image_model().objects.create(
        title="代表联络站揭牌仪式", file=get_test_image_file(), collection=collection
    )
    get_document_model().objects.create(
        title="代表联络站工作制度",
        file=SimpleUploadedFile("rules.txt", b"rules"),
        collection=collection,
    )
    client = client_for(editor)
    images = client.get(reverse("wagtailimages:index"), {"q": "联络站"}).content.decode()
    assert "代表联络站揭牌仪式" in images
    documents = client.get(reverse("wagtaildocs:index"), {"q": "联络站"}).content.decode()
    assert "代表联络站工作制度" in documents


def test_one_search_box_and_chinese_type_names(site_group, editor):
    client = client_for(editor)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "站内搜索" not in home  # no second search menu item
    results = client.get(reverse("wagtailadmin_pages:search"), {"q": "人大"}).content.decode()
    assert reverse("search_index_admin") in results  # the published records: one more area

    column = first_column(site_group[FEIXI])
    from cms.content.models import ArticlePage

    page = ArticlePage(title="人大代表联络站建设", slug="lianluozhan", date="2026-03-01")
    column.add_child(instance=page)
    page.save_revision().publish()
    html = client.get(reverse("search_index_admin"), {"q": "联络站"}).content.decode()
    assert "人大代表<em>联络站</em>建设" in html
    assert "<td>文章</td>" in html and "<td>article</td>" not in html
    assert "肥西县人大常委会" in html  # the site by name, not its code
