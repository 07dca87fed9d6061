"""Inspections run without a person (the scheduler), give the same findings twice, keep
the score's history, tell the site's staff what is new, and use the statutory numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError
from django.utils import timezone

from cms.notifications.models import Notification
from cms.services import schedule
from plugins.evaluation import thresholds
from plugins.evaluation.models import InspectionRun, SiteInspection, ThresholdSetting, Trigger

from .conftest import CHANGFENG, FEIXI, age, article, column, found, healthy, inspect, latest

pytestmark = pytest.mark.django_db


def snapshot(code: str) -> list[tuple]:
    return [(f.indicator, f.key, f.title, f.severity, f.points, f.target_url) for f in found(code)]


def test_the_scheduler_runs_the_nightly_inspection_of_every_site(site_group):
    sweep = next(s for s in schedule.get_sweeps() if s.name == "evaluation.inspect_all")
    assert sweep.daily_at == dt.time(2, 30)
    assert "evaluation.probe" in {s.name for s in schedule.get_sweeps()}
    night = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(3, 0)))
    assert "evaluation.inspect_all" in schedule.run_due_sweeps(night)
    run = InspectionRun.objects.get(trigger=Trigger.SCHEDULED)
    assert run.key == f"scheduled:{timezone.localdate().isoformat()}" and run.finished_at
    assert run.started_by is None
    assert {r.site.profile.division_code for r in run.results.all()} == set(site_group)
    # The same night again: nothing new is enqueued, and the task itself resumes, not repeats.
    assert "evaluation.inspect_all" not in schedule.run_due_sweeps(night + dt.timedelta(hours=1))
    from plugins.evaluation.tasks import inspect_all

    inspect_all.call()
    assert InspectionRun.objects.count() == 1 and run.results.count() == len(site_group)


def test_running_twice_gives_the_same_findings_and_keeps_their_first_date(site_group):
    feixi = site_group[FEIXI]
    healthy(feixi)
    age(column(feixi, "news"), 30)
    article(column(feixi, "notices"), "无日期的通知", date=None)
    inspect(FEIXI)
    first = snapshot(FEIXI)
    first_seen = {f.key: f.first_seen_at for f in found(FEIXI)}
    assert len(first) == 2
    inspect(FEIXI)
    assert snapshot(FEIXI) == first
    assert {f.key: f.first_seen_at for f in found(FEIXI)} == first_seen
    history = latest(FEIXI).history
    assert [h[1] for h in history] == [97.0, 97.0] and SiteInspection.objects.filter(
        site=feixi.site
    ).count() == 2
    assert SiteInspection.objects.filter(site=feixi.site, is_latest=True).count() == 1


def test_the_sites_staff_are_told_of_new_findings_once(site_group, make_user):
    feixi = site_group[FEIXI]
    editor = make_user("fx-editor", feixi.editors_group)
    reviewer = make_user("fx-final", feixi.final_reviewers_group)
    other = make_user("cf-editor", site_group[CHANGFENG].editors_group)
    healthy(feixi)
    inspect(FEIXI)
    assert not Notification.objects.filter(kind="evaluation.findings").exists()  # nothing found

    age(column(feixi, "news"), 30)
    inspect(FEIXI)
    told = Notification.objects.filter(kind="evaluation.findings")
    assert {n.user for n in told} == {editor, reviewer}
    note = told.get(user=editor)
    assert note.subject == "网站考评:肥西县人大常委会98分(合格)"
    assert (
        "栏目“人大要闻”已30天未更新" in note.body and note.url == f"/admin/evaluation/site/{FEIXI}/"
    )
    assert not Notification.objects.filter(user=other).exists()

    inspect(FEIXI)  # the same findings: nobody is told again
    assert told.count() == 2
    article(column(feixi, "notices"), "无日期的通知", date=None)
    inspect(FEIXI)  # a new one
    assert told.filter(user=editor).count() == 2


def test_scores_deductions_caps_and_vetoes(site_group):
    feixi = site_group[FEIXI]
    healthy(feixi)
    news = column(feixi, "news")
    for i in range(12):
        article(news, f"无日期的报道{i}", date=None)
    inspect(FEIXI)
    result = latest(FEIXI)
    assert result.score == Decimal("90.0") and result.deductions == 10  # 12 items, at most 10
    assert result.passed and not result.vetoed
    ThresholdSetting.objects.create(key="score.pass", site=feixi.site, value=95)
    inspect(FEIXI)
    assert not latest(FEIXI).passed and not latest(FEIXI).vetoed


def test_the_command_names_unknown_codes_and_can_take_a_city_with_its_counties(site_group):
    with pytest.raises(CommandError, match="没有行政区划代码为 349999 的站点"):
        inspect("349999")
    output = inspect("340100", extra=["--with-descendants"])
    assert "考评 3 个站点" in output
    assert {r.site.profile.division_code for r in InspectionRun.objects.get().results.all()} == {
        "340100", "340121", "340123"}  # fmt: skip


def test_the_statutory_defaults_and_their_overrides_per_level_and_site(site_group):
    """The 2019 indicators' numbers: a drifting default fails here."""
    d = {t.key: t.default for t in thresholds.DEFINITIONS}
    assert d["home.warn_days"] == 10 and d["home.veto_days"] == 14
    assert d["columns.stale_veto"] == 5 and d["columns.long_stale_veto"] == 10
    assert d["columns.blank_veto"] == 5
    assert d["availability.veto_percent"] == 5 and d["availability.window_days"] == 7
    assert d["availability.probes_per_day"] == 20 and d["messages.veto_count"] == 1
    assert d["score.pass"] == 60
    assert all(t.source for t in thresholds.DEFINITIONS)
    feixi, hefei = site_group[FEIXI], site_group["340100"]
    ThresholdSetting.objects.create(key="home.veto_days", value=20)
    ThresholdSetting.objects.create(key="home.veto_days", level="county", value=21)
    ThresholdSetting.objects.create(key="home.veto_days", site=feixi.site, value=30)
    numbers = thresholds.Numbers()
    assert numbers.for_site(feixi.site_id, "county")["home.veto_days"] == 30
    assert numbers.for_site(site_group[CHANGFENG].site_id, "county")["home.veto_days"] == 21
    assert numbers.for_site(hefei.site_id, "municipal")["home.veto_days"] == 20
    assert numbers.for_site(hefei.site_id, "municipal")["home.warn_days"] == 10
