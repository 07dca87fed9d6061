"""The demo: resources for the demo congresses with audiences, read part-way; loaded once."""

from __future__ import annotations

import pytest

from plugins.resources import demo
from plugins.resources.models import Receipt, Resource, Status

from .conftest import api

pytestmark = pytest.mark.django_db


def test_demo_loads_once_with_audiences_and_reads(client, site_group, feixi, people, office):
    for code in ("340000", "340100", "340123"):
        demo.load_demo(site_group[code])
    count = Resource.objects.count()
    for code in ("340000", "340100", "340123"):
        demo.load_demo(site_group[code])
    assert Resource.objects.count() == count == 9
    assert Resource.objects.filter(status=Status.DRAFT).count() == 1
    assert not Resource.objects.filter(audience__isnull=True).exists()
    assert all(r.files.filter(upload__content_type="application/pdf").exists()
               for r in Resource.objects.all())  # fmt: skip
    # 张伟 (肥西 county deputy) sees the county items meant for county deputies and the
    # current term, and the province's? No: that one is for provincial deputies.
    mine = client.get(api("", scope="ancestors"), **people["张伟"].auth).json()["results"]
    titles = {r["title"] for r in mine}
    assert "肥西县人民法院2026年上半年审判执行工作情况通报" in titles
    assert "合肥市人大代表参考资料:营商环境优化专题" in titles  # municipal and county levels
    assert "安徽省人民政府关于全省生态环境状况的报告" not in titles
    assert "肥西县监察委员会专项工作报告(征求意见稿)" not in titles  # the draft
    assert any(r["read"] for r in mine) and not all(r["read"] for r in mine)  # part-way
    # 王强, a former 肥西 deputy, is in only where the office took former deputies in.
    former = client.get(api(""), **people["王强"].auth).json()["results"]
    assert [r["title"] for r in former] == ["代表履职学习参考资料(2026年第3期)"]
    # The office's staff are named in the research report's audience.
    staff = Resource.objects.get(title="关于农村人居环境整治情况的调研报告")
    assert Receipt.objects.filter(resource=staff, user=office).exists()
