"""What a mini-program sees of a site's pages: /api/v1/pages/ list, detail and find."""

from __future__ import annotations

import datetime as dt
import json

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_api_cache")]

PROBLEM = "application/problem+json"


def get(client, url, **params):
    response = client.get(url, params)
    return response, json.loads(response.content)


def list_ids(client, **params):
    response, data = get(client, "/api/v1/pages/", **params)
    assert response.status_code == 200, data
    return [item["id"] for item in data["results"]]


def test_list_is_anonymous_compact_utf8_json(client, content):
    response = client.get("/api/v1/pages/", {"site": "340123"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    raw = response.content.decode("utf-8")
    assert "\\u" not in raw and "\n" not in raw and '": ' not in raw
    assert "常委会会议审议通过" in raw


def test_list_shows_only_live_public_unrestricted_pages_of_the_site(client, content):
    ids = list_ids(client, site="340123", limit=100)
    assert content.rich.pk in ids and all(a.pk in ids for a in content.articles)
    for hidden in (content.draft, content.not_public, content.private, content.other_site):
        assert hidden.pk not in ids
    # The township's article is on its county's site too.
    assert content.township_article.pk in ids
    assert list_ids(client, site="340121") == [content.other_site.pk]


def test_default_order_is_date_descending_with_id_tiebreak_and_stable_pages(client, content):
    response, data = get(client, "/api/v1/pages/", site="340123", limit=3)
    total = data["count"]
    dates = [item["date"] for item in data["results"]]
    assert dates == sorted(dates, reverse=True)
    seen = []
    for offset in range(0, total, 3):
        seen += list_ids(client, site="340123", limit=3, offset=offset)
    assert len(seen) == total == len(set(seen))
    assert seen == list_ids(client, site="340123", limit=100)
    assert data["next"].endswith("offset=3") or "offset=3" in data["next"]
    assert data["previous"] is None
    _, last = get(client, "/api/v1/pages/", site="340123", limit=3, offset=3)
    assert last["previous"] is not None and "offset" not in last["previous"]


def test_filters_type_column_descendant_dates_search_ordering(client, content):
    assert list_ids(client, site="340123", type="meeting") == [content.meeting.pk]
    assert set(list_ids(client, site="340123", type="article,meeting")) >= {
        content.meeting.pk,
        content.rich.pk,
    }
    in_news = list_ids(client, site="340123", column=content.news.pk, limit=100)
    assert set(in_news) == {a.pk for a in content.articles} | {content.rich.pk}
    township = list_ids(client, site="340123", descendant_of=content.township.pk)
    assert township == [content.township_article.pk]
    dated = list_ids(client, site="340123", date_after="2026-10-02", date_before="2026-10-03")
    assert dated == [content.articles[2].pk, content.articles[1].pk]
    assert list_ids(client, site="340123", q="十五五") == [content.rich.pk]
    ascending = list_ids(client, site="340123", ordering="date", type="article", limit=2)
    assert ascending == [content.articles[0].pk, content.articles[1].pk]
    columns = list_ids(client, site="340123", type="column", limit=100)
    assert content.news.pk in columns


def test_field_selection(client, content):
    _, data = get(client, "/api/v1/pages/", site="340123", fields="title,cover")
    assert set(data["results"][0]) == {"id", "type", "title", "cover"}


def test_thumbnail_is_opt_in_one_small_rendition_of_the_cover(client, content):
    _, full = get(client, "/api/v1/pages/", site="340123", type="article")
    assert "thumbnail" not in full["results"][0]  # not in the default fields
    _, data = get(client, "/api/v1/pages/", site="340123", type="article",
                  fields="title,thumbnail")  # fmt: skip
    item = next(i for i in data["results"] if i["id"] == content.rich.pk)
    assert set(item) == {"id", "type", "title", "thumbnail"}
    cover = next(i for i in full["results"] if i["id"] == content.rich.pk)["cover"]
    assert item["thumbnail"] == {**cover["renditions"]["thumbnail"], "alt": cover["alt"]}
    assert (item["thumbnail"]["width"], item["thumbnail"]["height"]) == (320, 180)
    response, problem = get(client, "/api/v1/pages/", site="340123", fields="title,thumb")
    assert response.status_code == 400 and "thumbnail" in json.dumps(problem, ensure_ascii=False)


def test_renditions_are_the_same_made_or_prefetched(client, content):
    """The list reads prefetched renditions by their spec; the first request makes them."""
    from wagtail.images import get_image_model

    image = get_image_model().objects.get(pk=content.image.pk)
    image.renditions.all().delete()
    first = get(client, f"/api/v1/pages/{content.rich.pk}/", site="340123")[1]["cover"]
    again = get(client, f"/api/v1/pages/{content.rich.pk}/", site="340123")[1]["cover"]
    assert first == again and set(first["renditions"]) == {
        "thumbnail", "medium", "large", "thumbnail_webp", "medium_webp"}  # fmt: skip
    assert first["renditions"]["medium_webp"]["url"].endswith(".webp")


def test_an_image_changed_shows_changed_in_the_next_answer(client, content):
    """Images' renditions are kept per process until the API cache's generation changes:
    saving an image changes it, so the next list shows the image as it is now."""
    from wagtail.images import get_image_model

    def cover():
        _, data = get(client, "/api/v1/pages/", site="340123", type="article", fields="cover")
        return next(i for i in data["results"] if i["id"] == content.rich.pk)["cover"]

    assert cover()["alt"] == "会场"
    image = get_image_model().objects.get(pk=content.image.pk)
    image.title = "常委会会场"
    image.save()
    assert cover()["alt"] == "常委会会场"
    image.renditions.all().delete()
    image.delete()
    assert cover() is None


def test_parent_link_is_the_visible_parent_only(client, content):
    _, data = get(client, f"/api/v1/pages/{content.township_article.pk}/", site="340123")
    assert data["parent"]["id"] == content.township.pk and data["parent"]["type"] == "township"
    _, home = get(client, f"/api/v1/pages/{content.feixi.site.root_page_id}/", site="340123")
    assert home["parent"] is None
    _, top = get(client, f"/api/v1/pages/{content.news.pk}/", site="340123")
    assert top["parent"] is None  # a column right under the home page
    content.news.confidentiality = "not_public"
    content.news.save()
    response, _ = get(client, f"/api/v1/pages/{content.rich.pk}/", site="340123")
    assert response.status_code == 404  # under a column marked not public


def test_township_code_scopes_pages_to_its_column(client, content):
    assert list_ids(client, site="340123100") == [content.township_article.pk]
    response, data = get(client, f"/api/v1/pages/{content.rich.pk}/", site="340123100")
    assert response.status_code == 404


def test_detail_payload(client, content):
    response, data = get(client, f"/api/v1/pages/{content.rich.pk}/", site="340123")
    assert response.status_code == 200
    raw = response.content.decode()
    assert "linktype" not in raw and "embedtype" not in raw and "\\u" not in raw
    assert data["type"] == "article"
    assert data["first_published_at"].endswith("+08:00")
    assert data["date"] == "2026-10-20"
    assert data["path"] == "/news/rich/"
    assert data["parent"]["id"] == content.news.pk
    paragraph = data["body"][0]
    assert paragraph["type"] == "paragraph"
    target = content.articles[0]
    assert f'data-api="/api/v1/pages/{target.pk}/?site=340123"' in paragraph["value"]
    assert 'href="http://' in paragraph["value"] and "/news/news-000/" in paragraph["value"]
    assert "/documents/" in paragraph["value"]
    assert "<img " in paragraph["value"] and 'width="800"' in paragraph["value"]
    image = data["body"][1]["value"]["image"]
    assert set(image) == {"alt", "width", "height", "renditions"}
    assert (image["width"], image["height"]) == (1200, 675)
    webp = image["renditions"]["thumbnail_webp"]
    assert webp["url"].endswith(".webp") and webp["width"] == 320 and webp["height"] == 180
    assert data["cover"]["renditions"]["large"]["width"] == 1200
    document = data["body"][2]["value"]["document"]
    assert document["size"] == len(b"%PDF-1.4 test") and document["extension"] == "pdf"
    table = data["body"][3]["value"]
    assert table["rows"] == [["姓名", "职务"], ["张三", "主任"]]
    assert table["first_row_is_header"] is True and table["caption"] == "任免名单"


def test_meeting_detail_has_agenda_and_speeches(client, content):
    _, data = get(client, f"/api/v1/pages/{content.meeting.pk}/", site="340123")
    assert data["agenda"][0]["value"]["item"] == "审议报告"
    speech = data["body"][0]
    assert speech["type"] == "speech" and speech["value"]["speaker"] == "张三"
    assert speech["value"]["audio"]["extension"] == "pdf" and speech["value"]["video"] is None


def test_links_to_invisible_pages_are_not_links(client, content):
    content.rich.body = [
        {
            "type": "paragraph",
            "value": f'<p><a linktype="page" id="{content.draft.pk}">草稿</a></p>',
        }
    ]
    content.rich.save()
    _, data = get(client, f"/api/v1/pages/{content.rich.pk}/", site="340123")
    assert data["body"][0]["value"] == "<p><a>草稿</a></p>"


@pytest.mark.parametrize("which", ["draft", "not_public", "private", "other_site", "missing"])
def test_invisible_page_is_the_same_404_as_a_missing_one(client, content, which):
    page_id = 999_999 if which == "missing" else getattr(content, which).pk
    response, data = get(client, f"/api/v1/pages/{page_id}/", site="340123")
    assert response.status_code == 404
    assert response["Content-Type"].startswith(PROBLEM)
    assert data == {
        "type": "urn:lianxi:problem:not-found",
        "title": "未找到",
        "status": 404,
        "detail": "请求的资源不存在。",
    }


def test_find_by_path(client, content):
    response, data = get(client, "/api/v1/pages/find/", site="340123", path="/news/rich/")
    assert response.status_code == 200 and data["id"] == content.rich.pk
    _, home = get(client, "/api/v1/pages/find/", site="340123", path="/")
    assert home["type"] == "home"
    for path in ("/news/draft/", "/office/private/", "/news/cf-news/", "/nope/"):
        response, _ = get(client, "/api/v1/pages/find/", site="340123", path=path)
        assert response.status_code == 404, path
    response, data = get(client, "/api/v1/pages/find/", site="340123")
    assert response.status_code == 400 and data["errors"][0]["field"] == "path"


def test_plain_text_comes_back_exactly_as_stored_never_as_html(client, content):
    """The documented contract (docs/api.md, frontend_contracts/README.md): plain-text
    fields carry what was stored, markup included; only rich text is HTML."""
    from tests.api.conftest import add_article

    typed = '<script>alert("x")</script> & <b>粗体</b>'
    page = add_article(content.news, "typed", dt.date(2026, 10, 30), title=typed)
    page.summary = typed
    page.save()
    response = client.get(f"/api/v1/pages/{page.pk}/", {"site": "340123"})
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert data["title"] == typed and data["summary"] == typed
