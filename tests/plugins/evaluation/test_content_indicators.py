"""Each content indicator fires on purpose and clears when the cause is fixed: home-page
freshness, stale / long-stale / blank columns, items without a date, re-dated items."""

from __future__ import annotations

import pytest
from django.utils import timezone
from wagtail.models import Page

from cms.content.models import ColumnPage
from plugins.evaluation.models import ThresholdSetting

from .conftest import (
    FEIXI,
    age,
    article,
    column,
    columns,
    found,
    indicator,
    inspect,
    latest,
    titles,
)

pytestmark = pytest.mark.django_db


def test_a_healthy_site_scores_full_marks(feixi):
    output = inspect(FEIXI)
    result = latest(FEIXI)
    assert (result.score, result.vetoed, result.passed, result.finding_count) == (
        100,
        False,
        True,
        0,
    )
    assert f"{FEIXI} 肥西县人大常委会:100分,合格" in output
    figures = {i["code"]: i for i in result.indicators}
    assert list(figures) == ["home_freshness", "stale_columns", "undated_items", "redated_items",
                             "words", "broken_links", "availability", "messages", "suggestions"]  # fmt: skip
    assert figures["stale_columns"]["numerator"] == 0
    assert figures["stale_columns"]["denominator"] == len([c for c in columns(feixi)
                                                           if c.expected_update_days])  # fmt: skip
    assert not figures["availability"]["applicable"]  # no frontend address set
    assert figures["messages"]["applicable"] and figures["messages"]["denominator"] == 0


def test_home_page_warns_at_day_10_and_vetoes_at_day_14(site_group):
    feixi = site_group[FEIXI]
    for c in columns(feixi):
        ColumnPage.objects.filter(pk=c.pk).update(expected_update_days=None)
    news = column(feixi, "news")
    for c in columns(feixi):
        article(c, f"{c.title}旧闻", days_ago=11)
    inspect(FEIXI)
    [warning] = found(FEIXI, "home_freshness")
    assert warning.title == "首页已11天未更新(第10天起预警)" and warning.points == 5
    assert latest(FEIXI).score == 95 and not latest(FEIXI).vetoed

    ColumnPage.objects.filter(pk=news.pk).update(expected_update_days=7)
    for c in columns(feixi):  # everything is older now
        age(c, 15)
    inspect(FEIXI)
    [veto] = found(FEIXI, "home_freshness")
    assert veto.title == "首页已15天未更新(超过14天)" and veto.severity == "veto"
    assert latest(FEIXI).vetoed and not latest(FEIXI).passed
    assert indicator(FEIXI, "home_freshness")["numerator"] == 15

    # Re-dating an old item does not make the home page fresh: first publication counts.
    old = Page.objects.child_of(news).first().specific
    old.date = timezone.localdate()
    old.save()
    inspect(FEIXI)
    [still] = found(FEIXI, "home_freshness")
    assert "不计为更新" in still.detail and still.severity == "veto"

    article(news, "今天的新闻")
    inspect(FEIXI)
    assert found(FEIXI, "home_freshness") == []


def test_stale_long_stale_and_blank_columns(feixi):
    news, notices = column(feixi, "news"), column(feixi, "notices")
    age(news, 20)
    inspect(FEIXI)
    [stale] = found(FEIXI, "stale_columns")
    assert stale.title == "栏目“人大要闻”已20天未更新(周期7天)"
    assert stale.target_url == f"/admin/pages/{news.pk}/edit/" and stale.points == 2
    figure = indicator(FEIXI, "stale_columns")
    assert figure["numerator"] == 1 and figure["deduction"] == 2 and not figure["veto"]

    # A blank column: nothing below it, no sub-column.
    empty = ColumnPage(title="专题专栏", slug="zhuanti", expected_update_days=30)
    feixi.site.root_page.add_child(instance=empty)
    inspect(FEIXI)
    assert "栏目“专题专栏”为空白栏目" in titles(FEIXI, "stale_columns")

    # Long-stale vetoes at the site's own number (a per-site override of 10 columns).
    ThresholdSetting.objects.create(key="columns.long_stale_veto", site=feixi.site, value=1)
    age(notices, 400)
    inspect(FEIXI)
    figure = indicator(FEIXI, "stale_columns")
    assert figure["veto"] and "长期未更新栏目1个" in figure["summary"]
    assert "栏目“通知公告”已400天未更新(周期30天,长期未更新)" in titles(FEIXI, "stale_columns")
    assert {f.severity for f in found(FEIXI, "stale_columns")} == {"veto"}

    # Fixed: new items in the stale columns, and the blank column filled.
    for parent in (news, notices, empty):
        article(parent, f"{parent.title}今日更新")
    inspect(FEIXI)
    assert found(FEIXI, "stale_columns") == [] and latest(FEIXI).score == 100


def test_five_stale_columns_veto_and_redating_does_not_hide_them(feixi):
    assessed = [c for c in columns(feixi) if c.expected_update_days][:5]
    for c in assessed:
        age(c, 200)
    # One column "updated" by re-dating its old item to today.
    item = Page.objects.child_of(assessed[0]).first().specific
    item.date = timezone.localdate()
    item.save()
    inspect(FEIXI)
    figure = indicator(FEIXI, "stale_columns")
    assert figure["numerator"] == 5 and figure["veto"] and "未更新栏目5个" in figure["summary"]
    redated = next(
        f for f in found(FEIXI, "stale_columns") if f.key == f"column:{assessed[0].pk}:stale"
    )
    assert "疑似以修改日期代替更新" in redated.detail
    # ... and the item itself is flagged as a faked date (a veto of its own).
    [faked] = found(FEIXI, "redated_items")
    assert (
        faked.title.startswith(f"《{item.title}》显示日期晚于首次发布") and faked.severity == "veto"
    )
    assert indicator(FEIXI, "redated_items")["veto"]

    item.date = timezone.localdate(item.first_published_at)  # the true date back
    item.save()
    inspect(FEIXI)
    assert found(FEIXI, "redated_items") == []


def test_items_without_a_date(feixi):
    news = column(feixi, "news")
    undated = article(news, "没有日期的报道", date=None)
    inspect(FEIXI)
    [finding] = found(FEIXI, "undated_items")
    assert finding.title == "《没有日期的报道》没有日期" and finding.points == 1
    assert finding.target_url == f"/admin/pages/{undated.pk}/edit/"
    figure = indicator(FEIXI, "undated_items")
    assert (figure["numerator"], figure["denominator"]) == (1, len(columns(feixi)) + 1)
    assert latest(FEIXI).score == 99

    undated.date = timezone.localdate()
    undated.save()
    inspect(FEIXI)
    assert found(FEIXI, "undated_items") == [] and latest(FEIXI).score == 100
