"""Models of the evaluation plugin (网站考评).

An ``InspectionRun`` inspects one or more sites (the nightly run covers every site
with the plugin on; the office's button and ``manage.py inspect_sites`` the sites
named). Each site's result is a ``SiteInspection``: a score out of 100, single-item
vetoes, the figures of each indicator with their denominators, and its
``Finding`` rows, each linked to the page or record where it is fixed. The site's
newest result is marked ``is_latest`` and carries the recent scores (the trend), so
the province's view reads one row per site.

``SiteMonitor`` holds a site's availability probe settings (its public frontend's
address), ``Probe`` each probe's outcome, ``LinkCheck`` the outcome of outbound
links (a working link is trusted for a while, a broken one checked at every run),
``ThresholdSetting`` the province's overrides of the inspection's numbers.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from cms.plugins.db import SiteLevel, SiteOwnedModel

from . import thresholds


class Trigger(models.TextChoices):
    SCHEDULED = "scheduled", _("定时考评")
    MANUAL = "manual", _("手动考评")
    COMMAND = "command", _("命令行")
    DEMO = "demo", _("演示数据")


class Severity(models.TextChoices):
    VETO = "veto", _("单项否决")
    DEDUCTION = "deduction", _("扣分")
    WARNING = "warning", _("提示")


def points_text(value) -> str:
    """A score or deduction as people write it: ``98``, ``97.5``."""
    value = Decimal(value).quantize(Decimal("0.1"))
    return str(value.to_integral()) if value == value.to_integral() else str(value)


class InspectionRun(models.Model):
    """One inspection of one or more sites (考评批次)."""

    #: A scheduled run's period ("scheduled:2026-11-30"): a sweep run again resumes it.
    key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    trigger = models.CharField(_("方式"), max_length=12, choices=Trigger.choices)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("发起人"))  # fmt: skip
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    site_count = models.PositiveIntegerField(_("站点数"), default=0)
    links_checked = models.PositiveIntegerField(_("检查外部链接数"), default=0)

    class Meta:
        verbose_name = _("考评批次")
        verbose_name_plural = _("考评批次")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        when = timezone.localtime(self.started_at).strftime("%Y-%m-%d %H:%M")
        return f"{when} {self.get_trigger_display()}"


class SiteInspection(SiteOwnedModel):
    """One site's result in a run (站点考评结果)."""

    run = models.ForeignKey(InspectionRun, on_delete=models.CASCADE, related_name="results",
                            verbose_name=_("考评批次"))  # fmt: skip
    inspected_at = models.DateTimeField(_("考评时间"), default=timezone.now)
    score = models.DecimalField(_("得分"), max_digits=4, decimal_places=1)
    deductions = models.DecimalField(_("扣分"), max_digits=5, decimal_places=1, default=0)
    vetoed = models.BooleanField(_("单项否决"), default=False)
    passed = models.BooleanField(_("合格"), default=False)
    veto_count = models.PositiveSmallIntegerField(_("否决项数"), default=0)
    finding_count = models.PositiveIntegerField(_("问题数"), default=0)
    #: Per indicator: code, name, applicable, reason, numerator, denominator, counted,
    #: deduction, veto, summary (the order of ``indicators.ALL``).
    indicators = models.JSONField(_("各指标"), default=list)
    #: The site's newest result (one per site): the province's view reads these rows.
    is_latest = models.BooleanField(default=False, editable=False)
    #: The recent results, oldest first: [[ISO date, score, vetoed], ...] (the trend).
    history = models.JSONField(default=list, editable=False)

    class Meta:
        verbose_name = _("站点考评结果")
        verbose_name_plural = _("站点考评结果")
        ordering = ["-inspected_at", "-pk"]
        permissions = [("run_inspection", "运行网站考评")]
        constraints = [
            models.UniqueConstraint(fields=["run", "site"], name="evaluation_one_result_per_run"),
        ]
        indexes = [
            models.Index(fields=["site", "-inspected_at"], name="evaluation_site_newest"),
            models.Index(fields=["is_latest", "site"], name="evaluation_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.score_text}分"

    @property
    def score_text(self) -> str:
        """The score as people write it: 98, 97.5."""
        return points_text(self.score)

    @property
    def deductions_text(self) -> str:
        return points_text(self.deductions)

    @property
    def vetoes(self) -> list[str]:
        return [i["name"] for i in self.indicators if i.get("veto")]


class Finding(SiteOwnedModel):
    """One problem an inspection found on a site, linked to where it is fixed (考评发现)."""

    inspection = models.ForeignKey(SiteInspection, on_delete=models.CASCADE,
                                   related_name="findings", verbose_name=_("考评结果"))  # fmt: skip
    position = models.PositiveIntegerField(default=0, editable=False)
    indicator = models.CharField(_("指标"), max_length=32)
    #: The same problem has the same key at every run (a page, a column, a link...).
    key = models.CharField(max_length=255)
    severity = models.CharField(_("性质"), max_length=12, choices=Severity.choices)
    points = models.DecimalField(_("扣分"), max_digits=4, decimal_places=1, default=0)
    title = models.CharField(_("问题"), max_length=300)
    detail = models.TextField(_("说明"), blank=True)
    target_label = models.CharField(_("整改对象"), max_length=300, blank=True)
    target_url = models.CharField(_("整改地址"), max_length=500, blank=True)
    link_url = models.CharField(_("相关网址"), max_length=2000, blank=True)
    first_seen_at = models.DateTimeField(_("首次发现"), default=timezone.now)

    class Meta:
        verbose_name = _("考评发现")
        verbose_name_plural = _("考评发现")
        ordering = ["inspection", "position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "indicator", "key"],
                                    name="evaluation_one_finding_per_key"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title


class MonitorForm(WagtailAdminModelForm):
    """Offers only the sites whose settings the user may change: those below the user's own
    sites (the province: its own too), as with the plugin switches."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("site")
        if field is not None and self.for_user is not None:
            from cms.plugins import site_access

            field.queryset = field.queryset.filter(
                pk__in=site_access(self.for_user).switchable_site_ids
            )


class SiteMonitor(SiteOwnedModel):
    """A site's availability probe (站点监测设置): its public frontend, probed on a schedule."""

    base_form_class = MonitorForm

    frontend_url = models.URLField(
        _("前台网址"), max_length=500, blank=True,
        help_text=_("公众访问的门户网站首页地址,如 https://www.hfrd.gov.cn/;留空则不监测可用性。"),
    )  # fmt: skip
    enabled = models.BooleanField(_("开启可用性监测"), default=True)
    interval_minutes = models.PositiveSmallIntegerField(
        _("监测间隔(分钟)"), default=60, validators=[MinValueValidator(5), MaxValueValidator(72)],
        help_text=_("2019年政府网站检查指标要求每天不少于20次监测,间隔最长72分钟。"),
    )  # fmt: skip
    timeout_seconds = models.PositiveSmallIntegerField(
        _("超时(秒)"), default=15, validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("2019年政府网站检查指标:15秒内无响应视为无法访问。"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("站点监测设置")
        verbose_name_plural = _("站点监测设置")
        constraints = [models.UniqueConstraint(fields=["site"], name="evaluation_one_monitor")]

    def __str__(self) -> str:
        return self.frontend_url or str(_("未设置前台网址"))


class Probe(SiteOwnedModel):
    """One availability probe of a site's frontend (可用性监测记录)."""

    at = models.DateTimeField(_("时间"), default=timezone.now)
    url = models.CharField(_("网址"), max_length=500)
    ok = models.BooleanField(_("可访问"))
    status = models.PositiveSmallIntegerField(_("状态码"), null=True, blank=True)
    elapsed_ms = models.PositiveIntegerField(_("耗时(毫秒)"), null=True, blank=True)
    error = models.CharField(_("错误"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("可用性监测记录")
        verbose_name_plural = _("可用性监测记录")
        ordering = ["-at"]
        indexes = [models.Index(fields=["site", "at"], name="evaluation_probe_site_at")]


class LinkCheck(models.Model):
    """The last outcome of an outbound link (外部链接检查): working links are trusted for
    ``LINK_RECHECK_HOURS``, broken ones are checked again at every inspection."""

    url_hash = models.CharField(max_length=64, unique=True)
    url = models.TextField()
    checked_at = models.DateTimeField()
    ok = models.BooleanField()
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("外部链接检查")
        verbose_name_plural = _("外部链接检查")

    def __str__(self) -> str:
        return self.url


class ThresholdSetting(models.Model):
    """The province's override of one of the inspection's numbers (考评指标), for all
    levels, one congress level or one site; the most specific applies."""

    key = models.CharField(_("指标"), max_length=64, choices=thresholds.CHOICES)
    level = models.CharField(_("层级"), max_length=16, choices=SiteLevel.choices, blank=True,
                             help_text=_("留空表示所有层级"))  # fmt: skip
    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+", verbose_name=_("站点"),
                             help_text=_("只对这个站点生效(不再选择层级)"))  # fmt: skip
    value = models.DecimalField(_("数值"), max_digits=8, decimal_places=1,
                                validators=[MinValueValidator(0)])  # fmt: skip
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("考评指标")
        verbose_name_plural = _("考评指标")
        ordering = ["key", "level", "site"]
        constraints = [
            models.UniqueConstraint(fields=["key", "level", "site"], name="evaluation_one_value"),
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()}:{self.value}"

    def clean(self):
        if self.site_id and self.level:
            raise ValidationError({"level": _("选择了站点时不再选择层级。")})
        # Rows without a site differ only by level: the database cannot tell two NULLs apart.
        same = ThresholdSetting.objects.filter(key=self.key, level=self.level, site=self.site_id)
        if same.exclude(pk=self.pk).exists():
            raise ValidationError(_("这个指标在该范围已有设置。"))

    @property
    def default(self):
        definition = thresholds.BY_KEY.get(self.key)
        return definition.default if definition else None
