"""The listing joins only the tables it needs (issue: planning cost on PostgreSQL).

Before, every scoped query joined all seven page-type tables (the "public" mark
lives on each), and PostgreSQL spent ~10 ms planning the join orders of an
8-relation query before a 2 ms execution. A listing of one type must read the
page table and that type's table only; the detail no more than its own type's.
On PostgreSQL the plan itself is checked (``EXPLAIN``); on SQLite the SQL.
"""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_api_cache")]

PAGE_TABLES = {
    "wagtailcore_page", "content_homepage", "content_columnpage", "content_townshippage",
    "content_articlepage", "content_regulationpage", "content_reportpage",
    "content_meetingpage",
}  # fmt: skip


#: Tables of the queries that resolve ``?site=`` and the hidden subtrees, which the
#: product keeps in the cache until the page tree changes (``cached_by_tree``).
SCOPE_TABLES = ("sitegroup_siteprofile", "wagtailcore_pageviewrestriction")


def queries(client, url) -> list[dict]:
    client.get(url)  # warm: renditions, content types
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return ctx.captured_queries


def tables_in_sql(sql: str) -> set[str]:
    return {name for name in re.findall(r'(?:FROM|JOIN)\s+"?(\w+)"?', sql) if name in PAGE_TABLES}


def tables_in_plan(sql: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found = set()

    def walk(node):
        if node.get("Relation Name") in PAGE_TABLES:
            found.add(node["Relation Name"])
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return found


def page_tables(query: dict) -> set[str]:
    if connection.vendor == "postgresql":
        return tables_in_plan(query["sql"])
    return tables_in_sql(query["sql"])


def test_a_listing_of_one_type_reads_the_page_table_and_that_types_table_only(client, content):
    url = "/api/v1/pages/?site=340123&type=article&limit=20"
    captured = queries(client, url)
    page_queries = [q for q in captured if tables_in_sql(q["sql"])]
    assert len(page_queries) == 1, [q["sql"] for q in page_queries]  # the rows
    assert page_tables(page_queries[0]) == {"wagtailcore_page", "content_articlepage"}
    # The count and the choice of rows read the lists' index alone (cms.content.listing).
    index_queries = [q for q in captured if "content_listedpage" in q["sql"]]
    assert len(index_queries) == 2
    count = next(q for q in index_queries if "COUNT(" in q["sql"])
    assert not tables_in_sql(count["sql"]), count["sql"]


def test_a_title_filter_or_another_order_reads_the_pages(client, content):
    """The index serves newest-first lists; the other orders read the pages, one type's."""
    for extra in ("&q=文章", "&ordering=title"):
        url = "/api/v1/pages/?site=340123&type=article&limit=20" + extra
        page_queries = [q for q in queries(client, url) if tables_in_sql(q["sql"])]
        assert len(page_queries) == 2, extra  # the count and the rows
        for query in page_queries:
            assert page_tables(query) == {"wagtailcore_page", "content_articlepage"}, extra


def test_a_mixed_listing_reads_the_requested_types_only(client, content):
    url = "/api/v1/pages/?site=340123&type=article,meeting&limit=20"
    for query in [q for q in queries(client, url) if tables_in_sql(q["sql"])]:
        assert page_tables(query) <= {
            "wagtailcore_page", "content_articlepage", "content_meetingpage"}, query["sql"]  # fmt: skip


def test_the_detail_joins_no_table_but_its_own_types(client, content):
    url = f"/api/v1/pages/{content.rich.pk}/?site=340123"
    for query in queries(client, url):
        if any(t in query["sql"] for t in SCOPE_TABLES):
            continue  # resolving ?site=: kept in the cache until the page tree changes
        if tables_in_sql(query["sql"]) - {"wagtailcore_page"}:
            # the page's own row; the links' visibility reads each type in an EXISTS,
            # which is no join for the planner to order
            joined = set(re.findall(r'JOIN\s+"?(\w+)"?', query["sql"])) & PAGE_TABLES
            assert joined <= {"wagtailcore_page"}, query["sql"]
