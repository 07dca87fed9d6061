"""Indicators read from elsewhere fire and clear: the frontend's availability (probes on
a schedule, against a server on 127.0.0.1), unanswered citizens' messages and overdue
suggestions (through the core services the liaison and suggestions plugins back), and
"not applicable" where the plugin is off or the frontend is unknown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cms.plugins import set_enabled
from cms.services import deadlines
from plugins.evaluation import tasks
from plugins.evaluation.models import Probe, SiteMonitor
from plugins.liaison.models import Message
from plugins.suggestions.models import Suggestion
from tests.plugins.liaison.conftest import citizen  # noqa: F401 (fixture)
from tests.plugins.liaison.conftest import post as liaison_post
from tests.plugins.suggestions.conftest import office, people, units  # noqa: F401 (fixtures)
from tests.plugins.suggestions.test_flow import assign, submitted, unit_post

from .conftest import FEIXI, found, indicator, inspect, latest

pytestmark = pytest.mark.django_db


def probes(site, total: int, failed: int, days: int = 7) -> None:
    """``total`` probes spread over the last ``days`` days, the first ``failed`` failing."""
    now = timezone.now()
    step = dt.timedelta(days=days) / (total + 1)
    Probe.objects.bulk_create([
        Probe(site=site, at=now - step * (i + 1), url="https://www.fxrd.gov.cn/", ok=i >= failed,
              status=200 if i >= failed else 502, error="" if i >= failed else "HTTP 502")
        for i in range(total)
    ])  # fmt: skip


def test_the_probe_sweep_probes_each_site_on_its_schedule(feixi, serve, settings):
    settings.LIANXI_FETCH_ALLOWED_NETWORKS = ["127.0.0.1"]
    server = serve({"/": 200})
    monitor = SiteMonitor.objects.create(site=feixi.site, frontend_url=server.url("/"))
    assert tasks.probe_sites.call() == 1
    assert tasks.probe_sites.call() == 0  # not due again before its interval
    first = Probe.objects.get(site=feixi.site)
    assert (first.ok, first.status, first.url) == (True, 200, monitor.frontend_url)
    server.routes["/"] = 503
    Probe.objects.update(at=timezone.now() - dt.timedelta(minutes=61))
    assert tasks.probe_sites.call() == 1
    latest_probe = Probe.objects.filter(site=feixi.site).order_by("-at").first()
    assert (latest_probe.ok, latest_probe.error) == (False, "HTTP 503")
    assert len(server.hits) == 2


def test_availability_vetoes_at_five_percent_over_a_week(feixi):
    inspect(FEIXI)
    figure = indicator(FEIXI, "availability")
    assert not figure["applicable"] and figure["reason"] == "未设置前台网址或未开启监测"
    SiteMonitor.objects.create(site=feixi.site, frontend_url="https://www.fxrd.gov.cn/")
    probes(feixi.site, 140, 7)
    inspect(FEIXI)
    [veto] = found(FEIXI, "availability")
    assert veto.title == "站点近7天7/140次监测无法访问(5.0%)" and veto.severity == "veto"
    assert veto.target_url.startswith("/admin/evaluation/sitemonitor/edit/")
    figure = indicator(FEIXI, "availability")
    assert (figure["numerator"], figure["denominator"], figure["veto"]) == (7, 140, True)

    Probe.objects.filter(ok=False).update(ok=True, status=200, error="")
    Probe.objects.filter(pk=Probe.objects.order_by("at").first().pk).update(ok=False)
    inspect(FEIXI)
    [warning] = found(FEIXI, "availability")
    assert warning.severity == "warning" and "1/140" in warning.title
    assert not latest(FEIXI).vetoed and latest(FEIXI).score == 100


def test_too_few_probes_veto_only_when_the_failures_alone_reach_the_share(feixi):
    SiteMonitor.objects.create(site=feixi.site, frontend_url="https://www.fxrd.gov.cn/")
    probes(feixi.site, 30, 2, days=1)
    inspect(FEIXI)
    assert not indicator(FEIXI, "availability")["veto"]
    assert "近7天仅监测30次,不足140次" in [f.title for f in found(FEIXI, "availability")]
    Probe.objects.all().delete()
    probes(feixi.site, 30, 7, days=1)  # 7 failures are 5% of the 140 a week needs
    inspect(FEIXI)
    assert indicator(FEIXI, "availability")["veto"]


def test_an_unanswered_message_past_three_months_vetoes(client, feixi, people, citizen):  # noqa: F811
    zhang = people["张伟"]
    sent = liaison_post(client, citizen, "messages/", {
        "title": "村道路灯不亮", "text": "村道路灯坏了一个月。", "addressed_to": "deputy",
        "deputy": zhang.ref}).json()  # fmt: skip
    inspect(FEIXI)
    assert found(FEIXI, "messages") == [] and indicator(FEIXI, "messages")["denominator"] == 1

    message = Message.objects.get(pk=sent["id"])
    clock = deadlines.running_clock(message, "message.reply")
    clock.started_on = timezone.localdate() - dt.timedelta(days=100)
    clock.due_on = deadlines.due_date("message.reply", clock.started_on)
    clock.save()
    Message.objects.filter(pk=message.pk).update(
        received_at=timezone.now() - dt.timedelta(days=100), due_on=clock.due_on
    )
    inspect(FEIXI)
    [veto] = found(FEIXI, "messages")
    assert veto.title == f"群众留言第{message.pk}号逾期未答复(期限{clock.due_on.isoformat()})"
    assert (
        "村道路灯" not in veto.title + veto.detail + veto.target_label
    )  # the citizen's words stay out
    assert veto.severity == "veto" and veto.target_url == f"/admin/liaison/office/{message.pk}/"
    assert latest(FEIXI).vetoed

    reply = liaison_post(client, zhang.auth, f"inbox/{message.pk}/reply/", {"text": "已修好。"})
    assert reply.status_code == 200
    inspect(FEIXI)
    assert found(FEIXI, "messages") == [] and not latest(FEIXI).vetoed

    set_enabled("liaison", feixi, False)
    inspect(FEIXI)
    figure = indicator(FEIXI, "messages")
    assert not figure["applicable"] and figure["reason"] == "本站未启用联系群众功能"


def test_overdue_suggestions_cost_points(client, feixi, people, units, office):  # noqa: F811
    pk = submitted(client, people)["id"]
    assign(client, office, units, pk)
    inspect(FEIXI)
    assert found(FEIXI, "suggestions") == [] and indicator(FEIXI, "suggestions")["denominator"] == 1
    clock = deadlines.running_clock(Suggestion.objects.get(pk=pk), "suggestion.reply")
    clock.started_on = timezone.localdate() - dt.timedelta(days=120)
    clock.due_on = deadlines.due_date("suggestion.reply", clock.started_on)
    clock.save()
    inspect(FEIXI)
    [late] = found(FEIXI, "suggestions")
    assert late.title.startswith(f"议案建议第{pk}号逾期未答复")
    assert late.points == 2 and late.target_url == f"/admin/suggestions/office/{pk}/"
    assert latest(FEIXI).score == 98

    client.force_login(units["lead_staff"])
    lead = Suggestion.objects.get(pk=pk).assignments.get(role="lead")
    unit_post(client, lead.pk, step="reply", reply_class="A", text="已办。", signed_by="王局长")
    inspect(FEIXI)
    assert found(FEIXI, "suggestions") == [] and latest(FEIXI).score == 100

    set_enabled("suggestions", feixi, False)
    inspect(FEIXI)
    assert indicator(FEIXI, "suggestions")["reason"] == "本站未启用议案建议功能"
