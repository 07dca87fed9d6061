"""The demo: two sites with stale and blank columns, a broken link, word hits and an
undated item; every site gets a result at once, and loading again changes nothing."""

from __future__ import annotations

import pytest

from cms.review.models import SensitiveWord
from plugins.evaluation import demo
from plugins.evaluation.models import Finding, InspectionRun, SiteInspection, Trigger

from .conftest import CHANGFENG, WUHU, latest, titles

pytestmark = pytest.mark.django_db


def test_demo_problems_are_found_and_loading_twice_changes_nothing(site_group):
    SensitiveWord.objects.create(word="演示敏感词", kind="sensitive")
    SensitiveWord.objects.create(word="联洛站", kind="wrong", replacement="联络站")
    for profile in site_group.values():
        demo.load_demo(profile)
    run = InspectionRun.objects.get()
    assert (run.trigger, run.key, run.site_count) == (Trigger.DEMO, "demo", len(site_group))
    changfeng = titles(CHANGFENG)
    assert "栏目“专题报道”已120天未更新(周期14天)" in changfeng
    assert "栏目“工作动态(示例)”为空白栏目" in changfeng
    assert ("《关于做好2026年度代表建议办理工作的通知》中的链接“通知全文”不可用:"
            "指向内网或本机地址,公众无法访问") in changfeng  # fmt: skip
    assert "《县人大代表联洛站开展集中接待活动》含错别字“联洛站”(应为“联络站”)" in changfeng
    wuhu = titles(WUHU)
    assert "《芜湖市人大常委会召开专题会议》含敏感词“演示敏感词”" in wuhu
    assert "《芜湖市人大常委会机关开展学习活动》没有日期" in wuhu
    assert latest(WUHU).vetoed

    counts = (Finding.objects.count(), SiteInspection.objects.count())
    for profile in site_group.values():
        demo.load_demo(profile)
    assert (Finding.objects.count(), SiteInspection.objects.count()) == counts
    assert InspectionRun.objects.count() == 1
