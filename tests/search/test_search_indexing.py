"""Indexing follows publishing; only public, live content is ever searchable."""

import pytest
from wagtail.models import PageViewRestriction

from cms.content.models import ArticlePage, Confidentiality
from search.backends import SearchQuery, get_engine
from search.models import SearchEntry


def found(q, *site_ids) -> set[int]:
    result = get_engine().search(SearchQuery(q=q, site_ids=list(site_ids), limit=50))
    return {h.object_id for h in result.hits}


@pytest.fixture
def hefei(site_group):
    return site_group["340100"].site_id


def test_draft_is_not_found_until_published(publish, hefei):
    page = publish("340100", "代表培训班开班", "培训内容", live=False)
    assert page.pk not in found("培训", hefei)
    page.get_latest_revision().publish()
    assert page.pk in found("培训", hefei)


def test_unpublish_removes_and_republish_restores(publish, hefei):
    page = publish("340100", "代表培训班开班")
    assert page.pk in found("培训", hefei)
    page.unpublish()
    assert page.pk not in found("培训", hefei)
    assert not SearchEntry.objects.filter(key=f"page:{page.pk}").exists()
    page.get_latest_revision().publish()
    assert page.pk in found("培训", hefei)


def test_draft_edits_do_not_leak_until_published(publish, hefei):
    page = publish("340100", "代表培训班开班")
    page.title = "秘密草稿标题"
    page.save_revision()
    assert page.pk not in found("秘密", hefei)
    assert page.pk in found("培训", hefei)
    page.get_latest_revision().publish()
    assert page.pk in found("秘密", hefei)
    assert page.pk not in found("培训", hefei)


def test_confidential_page_never_appears(publish, hefei):
    page = publish("340100", "内部代表名单", live=False, confidentiality=Confidentiality.NOT_PUBLIC)
    assert page.pk not in found("代表", hefei)
    # Made live behind the guard's back, it is still not indexed on the next save.
    ArticlePage.objects.filter(pk=page.pk).update(live=True)
    from search.indexing import sync_page

    sync_page(page.pk)
    assert page.pk not in found("代表", hefei)


def test_marking_a_live_page_not_public_removes_it(publish, hefei):
    page = publish("340100", "代表名单公示")
    assert page.pk in found("代表", hefei)
    page.confidentiality = Confidentiality.NOT_PUBLIC
    page.save()
    assert page.pk not in found("代表", hefei)


def test_view_restricted_pages_are_not_indexed(publish, column, hefei):
    page = publish("340100", "代表内部通知")
    assert page.pk in found("代表", hefei)
    restriction = PageViewRestriction.objects.create(
        page=column("340100"), restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    assert page.pk not in found("代表", hefei)
    restriction.delete()
    assert page.pk in found("代表", hefei)


def test_move_updates_site_and_delete_removes(publish, column, site_group, hefei):
    page = publish("340100", "代表活动日")
    wuhu = site_group["340200"].site_id
    page.move(column("340200"), pos="last-child")
    assert page.pk not in found("活动", hefei)
    assert page.pk in found("活动", wuhu)
    entry = SearchEntry.objects.get(key=f"page:{page.pk}")
    assert entry.site_code == "340200" and entry.column_id == column("340200").pk
    page.delete()
    assert not SearchEntry.objects.filter(key=f"page:{page.pk}").exists()


def test_rebuild_restores_the_index(publish, site_group, hefei):
    from search.indexing import rebuild

    page = publish("340100", "代表之家")
    SearchEntry.objects.all().delete()
    assert page.pk not in found("代表之家", hefei)
    summary = rebuild(site_group["340100"])
    assert summary["indexed"] >= 1
    assert page.pk in found("代表之家", hefei)
    # A stale row of the site is removed; other sites are untouched by a site rebuild.
    SearchEntry.objects.filter(key=f"page:{page.pk}").update(key="page:999999")
    rebuild(site_group["340100"])
    assert not SearchEntry.objects.filter(key="page:999999").exists()


def test_rebuild_command(publish, site_group, capsys):
    from django.core.management import call_command

    publish("340123", "肥西代表之家")
    SearchEntry.objects.all().delete()
    call_command("rebuild_search", "--site", "340123", "--no-progress")
    out = capsys.readouterr().out
    assert "340123" in out and "indexed" in out
    assert SearchEntry.objects.filter(site_code="340123", title="肥西代表之家").exists()
