"""Scopes, filters, and plugin records that honour per-site enablement."""

import pytest

from cms.plugins.registry import set_enabled
from search.backends import SearchQuery, get_engine
from search.registry import RecordProvider, register, unregister


def keys(q, site_ids, **kw):
    result = get_engine().search(SearchQuery(q=q, site_ids=site_ids, limit=50, **kw))
    return {h.key for h in result.hits}


@pytest.fixture
def pages(publish):
    return {
        "province": publish("340000", "全省代表培训", date="2026-01-10"),
        "hefei": publish("340100", "合肥代表培训", date="2026-03-10"),
        "feixi": publish("340123", "肥西代表培训", date="2026-06-10"),
        "wuhu": publish("340200", "芜湖代表培训", date="2026-09-10"),
        "notice": publish("340100", "合肥代表培训通知", column_slug="notices", date="2026-10-01"),
    }


def ids(site_group, *codes):
    return [site_group[c].site_id for c in codes]


def test_site_and_descendant_scopes(pages, site_group):
    key = {name: f"page:{p.pk}" for name, p in pages.items()}
    hefei_only = keys("代表", ids(site_group, "340100"))
    assert hefei_only == {key["hefei"], key["notice"]}
    hefei_tree = [p.site_id for p in site_group["340100"].get_descendants(include_self=True)]
    assert keys("代表", hefei_tree) == {key["hefei"], key["notice"], key["feixi"]}
    everything = [p.site_id for p in site_group["340000"].get_descendants(include_self=True)]
    assert keys("代表", everything) == set(key.values())


def test_filters_type_column_date(pages, site_group, column):
    all_ids = ids(site_group, "340000", "340100", "340123", "340200")
    assert keys("代表", all_ids, types=["regulation"]) == set()
    assert len(keys("代表", all_ids, types=["article"])) == 5
    notices = column("340100", "notices")
    assert keys("代表", all_ids, column_path=notices.path) == {f"page:{pages['notice'].pk}"}
    import datetime as dt

    ranged = keys("代表", all_ids, date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 6, 30))
    assert ranged == {f"page:{pages['hefei'].pk}", f"page:{pages['feixi'].pk}"}


def test_facets_count_by_site_level_type(pages, site_group):
    all_ids = ids(site_group, "340000", "340100", "340123", "340200")
    result = get_engine().search(SearchQuery(q="培训", site_ids=all_ids))
    assert result.facets["site"] == {"340100": 2, "340000": 1, "340123": 1, "340200": 1}
    assert result.facets["level"] == {"municipal": 3, "county": 1, "province": 1}
    assert result.facets["type"] == {"article": 5}


# --- plugin records ----------------------------------------------------------------


class EntryProvider(RecordProvider):
    kind = "example.entry"
    verbose_name = "示例条目"

    @property
    def model(self):
        from lianxi_example.models import Entry

        return Entry

    def get_queryset(self):
        return super().get_queryset().exclude(title__startswith="草稿")

    def to_document(self, obj):
        return {
            "title": obj.title,
            "body": obj.body,
            "date": obj.created_at,
            "url": f"/e/{obj.pk}/",
        }


@pytest.fixture
def entry_provider():
    provider = register(EntryProvider())
    yield provider
    unregister(provider.kind)


def test_plugin_records_follow_saves_and_plugin_switches(entry_provider, site_group, client):
    from lianxi_example.models import Entry

    assert entry_provider.plugin == "example"
    hefei = site_group["340100"]
    entry = Entry.objects.create(site=hefei.site, title="代表履职登记", body="培训记录")
    draft = Entry.objects.create(site=hefei.site, title="草稿代表名单")
    assert keys("代表", [hefei.site_id]) == {f"example.entry:{entry.pk}"}
    assert f"example.entry:{draft.pk}" not in keys("代表", [hefei.site_id])

    def api(**params):
        return client.get("/api/v1/search/", {"q": "代表", "site": "340100", **params}).json()

    assert [r["key"] for r in api(kind="example.entry")["results"]] == [f"example.entry:{entry.pk}"]
    set_enabled("example", hefei, False)
    assert api()["results"] == []
    set_enabled("example", hefei, True)
    assert [r["type"] for r in api()["results"]] == ["example.entry"]
    entry.delete()
    assert keys("代表", [hefei.site_id]) == set()
