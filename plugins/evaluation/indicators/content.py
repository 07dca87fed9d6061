"""Indicators of a site's content: home-page freshness, columns, items without a date,
re-dated items (2019 indicators: 首页更新, 栏目更新, 空白栏目, 虚假更新).

Freshness is measured on **first-publication times**, which the content app records
once and never rewrites: republishing an old item or changing the date it shows
does not make a column "updated". Items without a date count as not updated.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from cms.services import site_content
from plugins.evaluation.models import Severity

from .base import ZERO, Found, Indicator, Result, SiteContext


def _day(when) -> str:
    return timezone.localdate(when).isoformat() if when else "—"


def _column_label(column) -> str:
    return f"栏目“{column.title}”"


class HomeFreshness(Indicator):
    """首页更新: the newest item of the whole site (every column shows on the home page),
    by first publication. Warn at ``home.warn_days``, veto at ``home.veto_days``."""

    code = "home_freshness"
    name = "首页更新"

    def evaluate(self, ctx: SiteContext) -> Result:
        warn, veto = ctx.whole("home.warn_days"), ctx.whole("home.veto_days")
        dated = [p for p in ctx.content if p.date and p.first_published_at]
        result = self.result(denominator=veto, counted="天(否决线)")
        target = reverse("wagtailadmin_explore", args=[ctx.home.id]) if ctx.home else ""
        if not dated:
            result.veto, result.numerator = True, 0
            result.summary = "站点没有发布任何有日期的信息"
            result.findings.append(Found("home", "首页没有任何有日期的信息", Severity.VETO,
                                         target_label="站点首页", target_url=target))  # fmt: skip
            return result
        newest = max(dated, key=lambda p: p.first_published_at)
        days = ctx.days_since(newest.first_published_at)
        result.numerator = days
        result.summary = f"最近一条信息首次发布于{days}天前(预警{warn}天,否决{veto}天)"
        shown = max(dated, key=lambda p: p.date)
        detail = f"最近首次发布的信息:《{newest.title}》,{_day(newest.first_published_at)}。"
        if shown.date and (ctx.today - shown.date).days < days:
            detail += (
                f"显示日期最新的《{shown.title}》标注为{shown.date.isoformat()},"
                f"但首次发布于{_day(shown.first_published_at)},不计为更新。"
            )
        if days >= veto:
            result.veto = True
            result.findings.append(Found("home", f"首页已{days}天未更新(超过{veto}天)", Severity.VETO,
                                         detail=detail, target_label="站点首页",
                                         target_url=target))  # fmt: skip
        elif days >= warn:
            result.findings.append(Found("home", f"首页已{days}天未更新(第{warn}天起预警)",
                                         Severity.DEDUCTION, ctx.n("home.warn_points"),
                                         detail=detail, target_label="站点首页",
                                         target_url=target))  # fmt: skip
        result.cap(ctx.n("home.warn_points"))
        return result


class StaleColumns(Indicator):
    """栏目更新: columns past their update interval (``expected_update_days``; empty: not
    assessed), long-stale ones (``columns.long_stale_days``) and blank ones (nothing
    published below them and no sub-column). Vetoes at ``columns.stale_veto`` stale,
    ``columns.long_stale_veto`` long-stale or ``columns.blank_veto`` blank columns."""

    code = "stale_columns"
    name = "栏目更新"

    def evaluate(self, ctx: SiteContext) -> Result:
        columns = {c.path: c for c in ctx.columns}
        newest: dict[str, object] = {}  # column path -> newest dated item (first publication)
        shown: dict[str, object] = {}  # column path -> newest displayed date
        has_items: set[str] = set()
        for page in ctx.content:
            for n in range(site_content.STEP, len(page.path), site_content.STEP):
                prefix = page.path[:n]
                if prefix not in columns:
                    continue
                has_items.add(prefix)
                if page.date and page.first_published_at:
                    best = newest.get(prefix)
                    if best is None or page.first_published_at > best.first_published_at:
                        newest[prefix] = page
                    if prefix not in shown or page.date > shown[prefix].date:
                        shown[prefix] = page
        paths = sorted(columns)
        parents = {
            p for i, p in enumerate(paths) if i + 1 < len(paths) and paths[i + 1].startswith(p)
        }
        long_days = ctx.whole("columns.long_stale_days")
        stale_pts, blank_pts = ctx.n("columns.stale_points"), ctx.n("columns.blank_points")
        stale = long_stale = blank = assessed = 0
        result = self.result(counted="个考核栏目")
        for path in paths:
            column = columns[path]
            url = site_content.edit_url(column.id)
            if path not in has_items and path not in parents:
                blank += 1
                result.findings.append(Found(
                    f"column:{column.id}:blank", f"{_column_label(column)}为空白栏目", points=blank_pts,
                    detail="栏目下没有发布任何信息,也没有子栏目。", target_label=column.title,
                    target_url=url,
                ))  # fmt: skip
                continue
            limit = column.expected_update_days
            if not limit:
                continue
            assessed += 1
            item = newest.get(path)
            days = ctx.days_since(item.first_published_at) if item else None
            if days is not None and days <= limit:
                continue
            stale += 1
            is_long = days is None or days > long_days
            long_stale += is_long
            when = "没有有日期的信息" if days is None else f"已{days}天未更新"
            detail = f"更新周期{limit}天。"
            if item is not None:
                detail += f"最近首次发布:《{item.title}》,{_day(item.first_published_at)}。"
            other = shown.get(path)
            if other is not None and item is not None and (ctx.today - other.date).days <= limit:
                detail += (f"显示日期最新的《{other.title}》标为{other.date.isoformat()},"
                           f"但首次发布于{_day(other.first_published_at)}:疑似以修改日期代替更新。")  # fmt: skip
            title = (
                f"{_column_label(column)}{when}(周期{limit}天{',长期未更新' if is_long else ''})"
            )
            result.findings.append(Found(f"column:{column.id}:stale", title, points=stale_pts,
                                         detail=detail, target_label=column.title,
                                         target_url=url))  # fmt: skip
        result.numerator, result.denominator = stale, assessed
        reasons = []
        if stale >= ctx.whole("columns.stale_veto"):
            reasons.append(f"未更新栏目{stale}个")
        if long_stale >= ctx.whole("columns.long_stale_veto"):
            reasons.append(f"长期未更新栏目{long_stale}个")
        if blank >= ctx.whole("columns.blank_veto"):
            reasons.append(f"空白栏目{blank}个")
        result.veto = bool(reasons)
        if result.veto:
            for found in result.findings:
                found.severity = Severity.VETO
        result.summary = (f"未更新{stale}/{assessed}个考核栏目,其中长期未更新{long_stale}个;"
                          f"空白栏目{blank}/{len(columns)}个")  # fmt: skip
        if reasons:
            result.summary += ";单项否决:" + "、".join(reasons)
        result.cap(ctx.n("columns.points_max"))
        return result


class UndatedItems(Indicator):
    """无日期信息: live items that show no date (they count as not updated)."""

    code = "undated_items"
    name = "信息日期"

    def evaluate(self, ctx: SiteContext) -> Result:
        points = ctx.n("undated.points")
        result = self.result(denominator=len(ctx.content), counted="条信息")
        for page in ctx.content:
            if page.date is None:
                result.findings.append(Found(
                    f"page:{page.id}", f"《{page.title}》没有日期", points=points,
                    detail=f"{page.type_label},首次发布于{_day(page.first_published_at)};"
                    "无日期的信息视为未更新。", target_label=page.title,
                    target_url=site_content.edit_url(page.id),
                ))  # fmt: skip
        result.numerator = len(result.findings)
        result.summary = f"无日期信息{result.numerator}/{result.denominator}条"
        result.cap(ctx.n("undated.points_max"))
        return result


class RedatedItems(Indicator):
    """篡改日期: items showing a date later than the day they were first published (plus
    ``redated.tolerance_days``): an old item re-dated to look new. Vetoes at
    ``redated.veto_count``."""

    code = "redated_items"
    name = "虚假更新"

    def evaluate(self, ctx: SiteContext) -> Result:
        tolerance = ctx.whole("redated.tolerance_days")
        dated = [p for p in ctx.content if p.date and p.first_published_at]
        result = self.result(denominator=len(dated), counted="条有日期的信息")
        for page in dated:
            first = timezone.localdate(page.first_published_at)
            late = (page.date - first).days
            if late > tolerance:
                result.findings.append(Found(
                    f"page:{page.id}", f"《{page.title}》显示日期晚于首次发布{late}天",
                    Severity.WARNING, ZERO,
                    detail=f"显示日期{page.date.isoformat()},首次发布于{first.isoformat()}"
                    f"(最近一次发布{_day(page.last_published_at)});首次发布时间不可改写。",
                    target_label=page.title, target_url=site_content.edit_url(page.id),
                ))  # fmt: skip
        result.numerator = len(result.findings)
        result.veto = result.numerator >= max(1, ctx.whole("redated.veto_count"))
        if result.veto:
            for found in result.findings:
                found.severity = Severity.VETO
        result.summary = (
            f"显示日期晚于首次发布超过{tolerance}天的信息{result.numerator}/{result.denominator}条"
        )
        return result
