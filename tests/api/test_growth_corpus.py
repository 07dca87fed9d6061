"""The growth benchmark's corpus (``benchmarks/growth.py``): pages inserted in bulk, with tree
paths computed by the builder, must form the tree treebeard would have built, and the API must
serve them like pages created one by one. The million-page corpus is only built by the
benchmark; here a few hundred pages over the test site group, grown twice."""

from __future__ import annotations

from wagtail.models import Page

from benchmarks import growth
from cms.content.models import ArticlePage, ColumnPage

FIELDS = "title,date,summary,cover,first_published_at"


def test_bulk_pages_form_a_valid_tree_that_the_api_serves(site_group, client):
    growth._make_images(site_group.values())
    built = growth.add_pages(150)
    assert (built["had"], built["added"]) == (0, 150)
    grown = growth.add_pages(400)  # the next size: the same columns, numbering goes on
    assert (grown["had"], grown["added"]) == (150, 250)
    assert growth.add_pages(400)["added"] == 0

    assert ArticlePage.objects.count() == 400
    assert Page.find_problems() == ([], [], [], [], [])
    growth.check_tree()
    columns = [c for _p, c in growth.article_columns()]
    sizes = {ColumnPage.objects.get(pk=c.pk).get_children_count() for c in columns}
    assert max(sizes) - min(sizes) <= 1  # spread evenly over every site's article columns

    home = site_group["340000"].site.root_page
    on_site = ArticlePage.objects.descendant_of(home).count()
    url = f"/api/v1/pages/?site=340000&type=article&fields={FIELDS}&limit=20"
    first = client.get(url).json()
    assert first["count"] == on_site > 20
    dates = [item["date"] for item in first["results"]]
    assert dates == sorted(dates, reverse=True)
    assert all(item["cover"]["renditions"] for item in first["results"])
    last = client.get(f"{url}&offset={on_site - 20}").json()
    assert len(last["results"]) == 20 and last["next"] is None
    assert {i["id"] for i in first["results"]}.isdisjoint(i["id"] for i in last["results"])

    detail = client.get(f"/api/v1/pages/{first['results'][0]['id']}/?site=340000")
    assert detail.status_code == 200
    body = detail.json()["body"]
    assert [block["type"] for block in body] == ["paragraph", "image", "paragraph"]
