"""Indicators read from elsewhere: the site's availability probes (站点可访问性) and the
records other plugins keep, through ``cms.services.inspection_sources`` (留言办理,
建议办理时限). Without the plugin (or with it off on the site) they say 不适用."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from cms.services import inspection_sources
from plugins.evaluation.models import Probe, Severity, SiteMonitor

from .base import Found, Indicator, Result, SiteContext


def monitor_url(monitor: SiteMonitor | None) -> str:
    if monitor is None:
        return reverse("evaluation_sitemonitor_modeladmin_index")
    return reverse("evaluation_sitemonitor_modeladmin_edit", args=[monitor.pk])


class Availability(Indicator):
    """站点可访问性: the share of failed probes of the site's frontend over
    ``availability.window_days``; vetoes at ``availability.veto_percent`` with at least
    ``availability.probes_per_day`` probes a day (or when the failures alone reach that
    share of the probes required, whatever the missing ones would have said)."""

    code = "availability"
    name = "站点可访问性"
    phase = "late"

    def evaluate(self, ctx: SiteContext) -> Result:
        monitor = SiteMonitor.objects.filter(site=ctx.site).first()
        if monitor is None or not monitor.frontend_url or not monitor.enabled:
            return self.result(applicable=False, reason="未设置前台网址或未开启监测",
                               summary="不适用:未设置前台网址或未开启监测")  # fmt: skip
        days = ctx.whole("availability.window_days")
        since = ctx.now - dt.timedelta(days=days)
        probes = Probe.objects.filter(site=ctx.site, at__gte=since, at__lte=ctx.now)
        total = probes.count()
        failed = probes.filter(ok=False).count()
        required = days * ctx.whole("availability.probes_per_day")
        share = ctx.n("availability.veto_percent")
        result = self.result(numerator=failed, denominator=total, counted="次监测")
        if not total:
            result.applicable, result.reason = False, "尚无监测记录"
            result.summary = "不适用:尚无监测记录"
            return result
        percent = Decimal(failed * 100) / total
        enough = total >= required
        result.veto = (enough and percent >= share) or Decimal(failed * 100) >= share * required
        result.summary = f"近{days}天监测失败{failed}/{total}次({percent:.1f}%)"
        if not enough:
            result.summary += f";监测次数不足{required}次"
        url = monitor_url(monitor)
        recent = list(probes.filter(ok=False).order_by("-at").values_list("at", "error")[:3])
        detail = ";".join(f"{at:%m-%d %H:%M} {error}" for at, error in recent)
        if result.veto:
            result.findings.append(Found(
                "availability", f"站点近{days}天{failed}/{total}次监测无法访问({percent:.1f}%)",
                Severity.VETO, detail=f"前台网址 {monitor.frontend_url}。最近失败:{detail}",
                target_label=monitor.frontend_url, target_url=url, link_url=monitor.frontend_url,
            ))  # fmt: skip
        elif failed:
            result.findings.append(Found(
                "availability", f"站点近{days}天有{failed}/{total}次监测无法访问({percent:.1f}%)",
                Severity.WARNING, detail=f"最近失败:{detail}", target_label=monitor.frontend_url,
                target_url=url, link_url=monitor.frontend_url,
            ))  # fmt: skip
        if not enough:
            result.findings.append(Found(
                "availability:data", f"近{days}天仅监测{total}次,不足{required}次", Severity.WARNING,
                detail="每天应不少于规定次数;请检查监测间隔和后台定时任务。",
                target_label=monitor.frontend_url, target_url=url,
            ))  # fmt: skip
        return result


class _Source(Indicator):
    concept = ""
    prefix = ""
    phase = "late"

    def answer(self, ctx: SiteContext) -> inspection_sources.Answer:
        return inspection_sources.overdue(self.concept, ctx.site, today=ctx.today)

    def evaluate(self, ctx: SiteContext) -> Result:
        answer = self.answer(ctx)
        if not answer.applicable:
            return self.result(applicable=False, reason=answer.reason,
                               summary=f"不适用:{answer.reason}")  # fmt: skip
        result = self.result(numerator=len(answer.overdue), denominator=answer.denominator,
                             counted=answer.counted)  # fmt: skip
        for item in answer.overdue:
            result.findings.append(self.found(ctx, item))
        self.score(ctx, result)
        result.summary = f"逾期未答复{result.numerator}/{result.denominator}({answer.counted})"
        return result

    def found(self, ctx: SiteContext, item: inspection_sources.Overdue) -> Found:
        raise NotImplementedError

    def score(self, ctx: SiteContext, result: Result) -> None:
        raise NotImplementedError


def _dates(item: inspection_sources.Overdue) -> tuple[str, str]:
    started = item.started_on.isoformat() if item.started_on else "—"
    due = item.due_on.isoformat() if item.due_on else "—"
    return started, due


class Messages(_Source):
    """留言办理: valid citizens' messages still unanswered past their reply limit
    (``message.reply``, 3 months); vetoes at ``messages.veto_count``."""

    code = "messages"
    name = "留言办理"
    concept = inspection_sources.MESSAGES

    def found(self, ctx, item):
        started, due = _dates(item)
        return Found(f"message:{item.ref}", f"{item.label}逾期未答复(期限{due})",
                     Severity.WARNING, detail=f"收到于{started},答复期限{due}。",
                     target_label=item.label, target_url=item.url)  # fmt: skip

    def score(self, ctx, result):
        result.veto = result.numerator >= max(1, ctx.whole("messages.veto_count"))
        if result.veto:
            for found in result.findings:
                found.severity = Severity.VETO


class Suggestions(_Source):
    """建议办理时限: suggestions under handling past their reply limit
    (``suggestion.reply``); each costs ``suggestions.points``."""

    code = "suggestions"
    name = "建议办理时限"
    concept = inspection_sources.SUGGESTIONS

    def found(self, ctx, item):
        started, due = _dates(item)
        return Found(f"suggestion:{item.ref}", f"{item.label}逾期未答复(期限{due})",
                     points=ctx.n("suggestions.points"), detail=f"交办于{started},答复期限{due}。",
                     target_label=item.label, target_url=item.url)  # fmt: skip

    def score(self, ctx, result):
        result.cap(ctx.n("suggestions.points_max"))
