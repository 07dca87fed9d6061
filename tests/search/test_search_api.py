"""``/api/v1/search/`` and ``/api/v1/search/suggest/``."""

import pytest


@pytest.fixture
def pages(publish):
    return [
        publish("340100", "合肥市人大代表建议办理情况公开", "代表建议办理工作", date="2026-10-01"),
        publish("340123", "肥西县代表培训", "组织代表培训", date="2026-09-01"),
        publish("340200", "芜湖代表培训", date="2026-08-01"),
        *[publish("340100", f"代表活动第{i}期", date=f"2026-07-{i:02d}") for i in range(1, 4)],
    ]


def get(client, path="/api/v1/search/", **params):
    return client.get(path, params)


def test_site_is_required_and_must_exist(client, site_group):
    response = get(client, q="代表")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["type"] == "urn:lianxi:problem:site-required"
    response = get(client, q="代表", site="349999")
    assert response.status_code == 404
    assert response.json()["type"] == "urn:lianxi:problem:unknown-site"


def test_invalid_parameters_are_problems_with_field_errors(client, site_group):
    def fields(response):
        assert response.status_code == 400
        assert response["Content-Type"].startswith("application/problem+json")
        return {e["field"] for e in response.json()["errors"]}

    assert "q" in fields(get(client, site="340100"))
    bad_range = get(client, q="代表", site="340100", date_from="2026-02-01", date_to="2026-01-01")
    assert "date_to" in fields(bad_range)
    assert "scope" in fields(get(client, q="代表", site="340100", scope="world"))


def test_search_scopes_facets_highlight_and_pagination(client, pages):
    body = get(client, q="代表", site="340100", page_size=2).json()
    assert body["count"] == 4 and body["count_exact"] is True
    assert len(body["results"]) == 2 and body["next"] and body["previous"] is None
    first = body["results"][0]
    assert first["title"] == "合肥市人大代表建议办理情况公开"
    assert first["title_highlight"] == "合肥市人大<em>代表</em>建议办理情况公开"
    assert first["site"] == {"code": "340100", "level": "municipal"}
    assert first["date"] == "2026-10-01" and first["url"].startswith("/news/")
    assert body["facets"]["site"] == [{"value": "340100", "count": 4}]
    page2 = client.get(body["next"]).json()
    assert len(page2["results"]) == 2 and page2["previous"]

    tree = get(client, q="培训", site="340100", scope="descendants").json()
    assert [r["site"]["code"] for r in tree["results"]] == ["340123"]
    everything = get(client, q="培训", site="340000", scope="descendants").json()
    assert {f["value"] for f in everything["facets"]["site"]} == {"340123", "340200"}
    assert {f["value"] for f in everything["facets"]["level"]} == {"county", "municipal"}


def test_filters_through_the_api(client, pages, column):
    assert get(client, q="代表", site="340100", type="regulation").json()["count"] == 0
    assert get(client, q="代表", site="340100", type="article,regulation").json()["count"] == 4
    ranged = get(client, q="代表", site="340100", date_from="2026-07-02", date_to="2026-07-31")
    assert ranged.json()["count"] == 2
    col = column("340100", "notices")
    assert get(client, q="代表", site="340100", column=col.pk).json()["count"] == 0
    news = column("340100")
    assert get(client, q="代表", site="340100", column=news.pk).json()["count"] == 4
    missing = get(client, q="代表", site="340100", column=999999)
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "column"
    assert "facets" not in get(client, q="代表", site="340100", facets="false").json()


def test_township_code_searches_its_column(client, publish, site_group):
    from cms.content.models import ArticlePage, TownshipPage

    township = TownshipPage.objects.get(division_code="340123100")
    page = ArticlePage(title="上派镇代表接待日", slug="jiedai", date="2026-11-01")
    township.add_child(instance=page)
    page.save_revision().publish()
    publish("340123", "肥西县代表接待日")
    body = get(client, q="接待", site="340123100").json()
    assert [r["id"] for r in body["results"]] == [page.pk]
    assert get(client, q="接待", site="340123").json()["count"] == 2


def test_suggest(client, pages):
    body = get(client, "/api/v1/search/suggest/", q="代表", site="340100", limit=2).json()
    assert [r["title"] for r in body["results"]] == [
        "合肥市人大代表建议办理情况公开",
        "代表活动第3期",
    ]
    assert body["results"][0]["title_highlight"].count("<em>") == 1
    assert get(client, "/api/v1/search/suggest/", q="代表").status_code == 400


def test_publishing_updates_api_results(client, publish, site_group):
    assert get(client, q="监督", site="340000", scope="descendants").json()["count"] == 0
    page = publish("340121", "长丰县人大常委会监督工作")
    assert get(client, q="监督", site="340000", scope="descendants").json()["count"] == 1
    page.unpublish()
    assert get(client, q="监督", site="340000", scope="descendants").json()["count"] == 0


def test_search_is_throttled(client, site_group, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}),
                                   "search": "2/min"},
    }  # fmt: skip
    from rest_framework.settings import api_settings

    api_settings.reload()
    try:
        from search.api import SearchRateThrottle

        SearchRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        codes = [get(client, q=f"代表{i}", site="340100").status_code for i in range(3)]
        assert codes == [200, 200, 429]
    finally:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK}
        api_settings.reload()
        SearchRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_openapi_documents_search(client, pages):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/search/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "site", "scope", "type", "kind", "column", "date_from", "date_to", "page",
            "page_size", "facets"} <= names  # fmt: skip
    site = next(p for p in operation["parameters"] if p["name"] == "site")
    assert site["required"] is True
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    body = get(client, q="代表", site="340100").json()
    assert set(component["required"]) <= set(body)
    assert set(body) <= set(component["properties"])
    hit_ref = component["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[-1]
    hit = schema["components"]["schemas"][hit_ref]
    assert set(body["results"][0]) == set(hit["properties"])
    assert "/api/v1/search/suggest/" in schema["paths"]
    for status in ("400", "404", "429"):
        assert list(operation["responses"][status]["content"]) == ["application/problem+json"]


def test_admin_search_screen_uses_the_engine(client, publish, make_user):
    publish("340100", "合肥市代表培训")
    admin = make_user("root", superuser=True)
    client.force_login(admin)
    response = client.get("/admin/site-search/", {"q": "培训"})
    assert response.status_code == 200
    assert "合肥市代表<em>培训</em>" in response.content.decode()
