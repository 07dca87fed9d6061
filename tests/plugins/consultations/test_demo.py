"""The demo: an open provincial draft with comments, a closed one with its report, a county
supervision-topic call open and last year's closed with its result; loaded once, read
through the public API."""

from __future__ import annotations

import pytest

from plugins.consultations import demo
from plugins.consultations.models import Consultation

pytestmark = pytest.mark.django_db
API = "/api/v1/consultations/"


def test_demo_loads_once_and_reads_through_the_api(client, province, feixi):
    demo.load_demo(province)
    demo.load_demo(feixi)
    count = Consultation.objects.count()
    demo.load_demo(province)
    demo.load_demo(feixi)
    assert Consultation.objects.count() == count == 4  # a second run changes nothing

    listed = client.get(f"{API}?site=340000&include_descendants=true").json()["results"]
    by_status = {(r["kind"], r["status"], r["site"]) for r in listed}
    assert by_status == {("draft", "open", "340000"), ("draft", "closed", "340000"),
                         ("call", "open", "340123"), ("call", "closed", "340123")}  # fmt: skip
    open_one = next(r for r in listed if r["status"] == "open" and r["kind"] == "draft")
    detail = client.get(f"{API}{open_one['id']}/?site=340000").json()
    assert detail["draft"]["comments"]["total"] == 6 and open_one["comment_count"] == 6
    closed = next(r for r in listed if r["status"] == "closed" and r["kind"] == "draft")
    assert closed["report_published"] is True
    report = client.get(f"{API}{closed['id']}/report/?site=340000").json()
    assert report["totals"]["adopted"] == 3 and report["totals"]["not_adopted"] == 1
    assert [c["label"] for c in report["changed_clauses"]] == ["第三条", "第四条", "第五条"]
    assert report["comparison"]["summary"] == {"unchanged": 3, "changed": 2, "moved": 0,
                                               "added": 1, "removed": 0}  # fmt: skip

    past = next(r for r in listed if r["kind"] == "call" and r["status"] == "closed")
    assert past["report_published"] is True and past["comment_count"] == 3
    result = client.get(f"{API}{past['id']}/report/?site=340123").json()
    assert result["totals"] == {"total": 3, "included": 1, "merged": 1, "not_included": 1}
    assert [p["outcome"] for p in result["proposals"]] == ["included", "merged", "not_included"]
    assert result["proposals"][1]["merged_into"] == "城乡人居环境整治工作情况视察"
