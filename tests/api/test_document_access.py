"""Attachments are public only when a public page publishes them (cms.content.documents).

Before: anyone who knew a document's id and file name downloaded the
attachments of drafts (6 of 6). Now ``/documents/<id>/<name>`` answers 404,
as for a missing document, unless a live, public, unrestricted page under
live ancestors uses it, or it is in a public collection; the site's staff
still get it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from wagtail.models import Collection, PageViewRestriction

from cms.content.models import PageAttachment
from tests.api.conftest import add_article, column, make_document

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 10, 1)


def download(client, document):
    return client.get(document.url)


def attach(page, document):
    PageAttachment.objects.create(page=page, document=document, title=document.title)
    page.save()  # the reference index follows the stored page


@pytest.fixture
def news(site_group):
    return column(site_group["340123"], "news")


def test_a_drafts_attachment_is_not_downloadable(client, site_group, news, make_user):
    draft = add_article(news, "draft", DAY, live=False)
    document = make_document("征求意见稿")
    document.collection = site_group["340123"].collection  # the site's own collection
    document.save()
    attach(draft, document)
    assert document.url.startswith("/documents/")
    assert download(client, document).status_code == 404
    # The site's editor (who works on the draft) gets it; another county's does not.
    client.force_login(make_user("feixi", site_group["340123"].editors_group))
    assert download(client, document).status_code == 200
    client.force_login(make_user("changfeng", site_group["340121"].editors_group))
    assert download(client, document).status_code == 404

    # Published: public.
    client.logout()
    draft.save_revision().publish()
    response = download(client, document)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_rich_text_links_and_attachment_blocks_count_as_use(client, news):
    linked, block = make_document("链接的文件"), make_document("附件块的文件")
    body = [
        {"type": "paragraph", "value": f'<p><a linktype="document" id="{linked.pk}">方案</a></p>'},
        {"type": "attachment", "value": {"document": block.pk, "title": "附件"}},
    ]
    add_article(news, "rich", DAY, body=body)
    assert download(client, linked).status_code == 200
    assert download(client, block).status_code == 200
    assert download(client, make_document("没人用的文件")).status_code == 404


def test_a_document_added_only_in_an_unpublished_draft_is_not_public_yet(client, news):
    page = add_article(news, "live", DAY)
    document = make_document("新附件")
    draft = page.get_latest_revision_as_object() if page.latest_revision_id else page
    draft.attachments = [PageAttachment(document=document, title="新附件")]
    draft.save_revision()
    assert download(client, document).status_code == 404
    page.refresh_from_db()
    page.get_latest_revision().publish()
    assert download(client, document).status_code == 200


def test_unpublished_ancestors_and_view_restrictions_hide_attachments(client, news, site_group):
    page = add_article(news, "under", DAY)
    document = make_document("栏目下的附件")
    attach(page, document)
    assert download(client, document).status_code == 200
    news.unpublish()
    assert download(client, document).status_code == 404
    news.save_revision().publish()
    assert download(client, document).status_code == 200
    PageViewRestriction.objects.create(page=news, restriction_type=PageViewRestriction.LOGIN)
    assert download(client, document).status_code == 404


def test_public_collections_are_public(client, site_group):
    root = Collection.get_first_root_node()
    public = root.add_child(name="公开文件")
    document = make_document("公开的制度汇编")
    document.collection = public.add_child(name="2026")
    document.save()
    assert download(client, document).status_code == 404
    with override_settings(LIANXI_PUBLIC_DOCUMENT_COLLECTIONS=["公开文件"]):
        assert download(client, document).status_code == 200


def test_documents_are_never_served_as_plain_media_files(client, news, settings):
    page = add_article(news, "media", DAY)
    document = make_document("媒体路径")
    attach(page, document)
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
    from django.urls import clear_url_caches

    settings.SERVE_MEDIA = True
    import importlib

    import cms.urls

    importlib.reload(cms.urls)
    clear_url_caches()
    try:
        with override_settings(ROOT_URLCONF="cms.urls"):
            assert client.get(f"/media/{document.file.name}").status_code == 404
    finally:
        settings.SERVE_MEDIA = False
        importlib.reload(cms.urls)
        clear_url_caches()
