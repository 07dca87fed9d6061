"""Admin-editable data of the shared services."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class CalendarDay(models.Model):
    """One day of the working-day calendar added or corrected in the admin.

    The shipped data file (``cms/services/data/holidays_cn.json``) covers the
    years already announced; the State Council publishes each next year's
    holidays and make-up working days in November, and an administrator adds
    them here. A row overrides the data file for its date.
    """

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=DayKind.choices)
    name = models.CharField(
        _("名称"), max_length=64, blank=True, help_text=_("如:春节、国庆节调休")
    )

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()


# --- Background work and schedules (cms.services.tasks, cms.services.schedule) -------


class WorkerHeartbeat(models.Model):
    """A running task worker, seen alive at ``seen_at`` (``manage.py run_worker``).

    A task left running by a worker that stopped beating is run again
    (``cms.services.tasks.reclaim_abandoned``).
    """

    worker_id = models.CharField(_("工作进程"), max_length=64, unique=True)
    hostname = models.CharField(_("主机"), max_length=128, blank=True)
    pid = models.PositiveIntegerField(_("进程号"), null=True)
    started_at = models.DateTimeField(_("启动时间"), default=timezone.now)
    seen_at = models.DateTimeField(_("最近心跳"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("后台工作进程")
        verbose_name_plural = _("后台工作进程")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class SweepRun(models.Model):
    """One period of a periodic sweep, enqueued once (``cms.services.schedule``).

    The unique (sweep, period) pair is what makes a second scheduler, or a
    scheduler run twice, enqueue nothing twice.
    """

    name = models.CharField(_("定时任务"), max_length=100)
    period_key = models.CharField(_("周期"), max_length=40)
    enqueued_at = models.DateTimeField(_("加入队列时间"), default=timezone.now, db_index=True)
    task_id = models.CharField(_("任务编号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("定时任务记录")
        verbose_name_plural = _("定时任务记录")
        constraints = [
            models.UniqueConstraint(fields=["name", "period_key"], name="services_sweep_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.period_key}"


# --- Statutory clocks (cms.services.deadlines) ----------------------------------------


class DeadlineUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("个工作日")
    DAYS = "days", _("日")
    MONTHS = "months", _("个月")


class DeadlineState(models.TextChoices):
    ON_TIME = "on_time", _("正常")
    DUE_SOON = "due_soon", _("临期")
    OVERDUE = "overdue", _("逾期")
    LONG_OVERDUE = "long_overdue", _("严重逾期")
    PAUSED = "paused", _("暂停计时")
    MET = "met", _("按期办结")
    MET_LATE = "met_late", _("逾期办结")


class Deadline(models.Model):
    """A statutory clock on one plugin record: started, paused, extended, stopped.

    The numbers (``amount``, ``unit``, ``max_amount``, ``reminders``) are copied
    from the rule's settings for the record's site when the clock starts, so a
    later change of the settings never moves a running deadline. Use the
    functions of ``cms.services.deadlines``, not the fields.
    """

    affects_public_api = False  # a statutory clock is internal: no cached public answer shows it

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, verbose_name=_("记录类型")
    )
    object_id = models.CharField(_("记录编号"), max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("站点")
    )
    rule = models.CharField(_("时限规则"), max_length=64, db_index=True)
    started_on = models.DateField(_("起算日"))
    started_at = models.DateTimeField(_("开始计时"), default=timezone.now)
    amount = models.PositiveIntegerField(_("期限"))
    unit = models.CharField(_("单位"), max_length=16, choices=DeadlineUnit.choices)
    max_amount = models.PositiveIntegerField(_("经批准最长期限"), null=True, blank=True)
    reminders = models.JSONField(_("提醒"), default=list, blank=True)
    due_on = models.DateField(_("到期日"), db_index=True)
    paused_on = models.DateField(_("暂停于"), null=True, blank=True)
    paused_days = models.PositiveIntegerField(_("已暂停天数"), default=0)
    extended_to = models.PositiveIntegerField(_("延长至"), null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("批准人"),
    )  # fmt: skip
    extended_at = models.DateTimeField(_("批准延期时间"), null=True, blank=True)
    extension_reason = models.TextField(_("延期理由"), blank=True)
    stopped_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    next_reminder_on = models.DateField(_("下次提醒"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("法定时限计时")
        verbose_name_plural = _("法定时限计时")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "rule"],
                condition=models.Q(stopped_at__isnull=True),
                name="services_one_running_clock",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.content_type_id}:{self.object_id} → {self.due_on}"

    @property
    def limit(self) -> int:
        """The limit in force: the approved extension, or the rule's limit."""
        return self.extended_to or self.amount


class DeadlineReminder(models.Model):
    """A reminder of a clock, recorded once (``key``: ``30d``, ``due_soon``, ``overdue``)."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="sent_reminders")
    key = models.CharField(_("提醒"), max_length=32)
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    notified = models.BooleanField(_("已通知"), default=True)

    class Meta:
        verbose_name = _("时限提醒")
        verbose_name_plural = _("时限提醒")
        constraints = [
            models.UniqueConstraint(fields=["deadline", "key"], name="services_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id}:{self.key}"


class DeadlineSetting(models.Model):
    """设置 → 法定时限: a rule's numbers for one congress level, or for one site.

    A site's row wins over its level's row, which wins over the row for all
    levels, which wins over the default shipped in code (the standards'
    numbers). The rule's source is shown beside it in the admin.
    """

    rule = models.CharField(_("时限规则"), max_length=64)
    level = models.CharField(
        _("层级"), max_length=16, blank=True,
        help_text=_("留空且不选站点:适用于全部层级。"),
    )  # fmt: skip
    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.CASCADE, null=True, blank=True,
        related_name="+", verbose_name=_("站点"),
        help_text=_("选择站点时只适用于该站点,优先于层级设置。"),
    )  # fmt: skip
    amount = models.PositiveIntegerField(_("期限"), help_text=_("单位见规则说明。"))
    max_amount = models.PositiveIntegerField(
        _("经批准最长期限"), null=True, blank=True, help_text=_("留空:沿用默认值。")
    )
    reminders = models.CharField(
        _("提醒"), max_length=200, blank=True,
        help_text=_("逗号分隔:30d 表示起算后第30日;due_soon 临期;overdue 逾期。留空:沿用默认值。"),
    )  # fmt: skip
    note = models.CharField(_("依据或说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("法定时限")
        verbose_name_plural = _("法定时限")
        ordering = ["rule", "level", "site_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "site"],
                condition=models.Q(site__isnull=False),
                name="services_deadline_setting_site",
            ),
            models.UniqueConstraint(
                fields=["rule", "level"],
                condition=models.Q(site__isnull=True),
                name="services_deadline_setting_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.level or ''} {self.site_id or ''}".strip()

    def clean(self) -> None:
        from .deadlines import validate_setting

        validate_setting(self)


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class BackgroundJob(models.Model):
    """A long piece of admin work (a large import) run by a worker, with its progress.

    Made by ``cms.services.jobs.start``; the task moves it through the
    statuses and writes ``done``/``total`` as it goes, so the admin's status
    page (refreshing itself) shows how far it got; ``result`` is what the
    work reports at the end (the import report). The uploaded file is kept
    under ``private/`` of the default storage (never served) until the work ends.
    """

    kind = models.CharField(_("类型"), max_length=64, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    stage = models.CharField(_("阶段"), max_length=32, blank=True)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    result = models.JSONField(_("结果"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    error = models.TextField(_("错误"), blank=True)
    file = models.FileField(_("文件"), upload_to="private/jobs/", blank=True, max_length=255)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0


class AudienceRuleKind(models.TextChoices):
    """What one rule of an audience names (``cms.services.audience``)."""

    LEVEL = "level", _("某层级的代表")
    CONGRESS = "congress", _("某人民代表大会的代表")
    TERM = "term", _("某届次的代表")
    DELEGATION = "delegation", _("某代表团的代表")
    GROUP = "group", _("某代表小组的代表")
    STAFF = "staff", _("某站点的工作人员")
    TOWNSHIP = "township", _("某乡镇人大的工作人员")
    USER = "user", _("指定账号")
    DEPUTY = "deputy", _("指定代表")


class Audience(models.Model):
    """Who may see a record: rules any of which admits a user (``cms.services.audience``).

    ``site`` is the owner's site: "deputies of the county level" are those seated
    in a congress of that site or of a site below it. Seats that ended count only
    with ``include_former``. Built, validated and read through the service only.
    """

    affects_public_api = False  # no public answer shows an audience (cms.apiaccess.invalidation)

    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("站点")
    )
    include_former = models.BooleanField(_("含已离任的代表"), default=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("发送范围")
        verbose_name_plural = _("发送范围")

    def __str__(self) -> str:
        from .audience import describe

        return describe(self)


class AudienceRule(models.Model):
    """One rule: a level, a congress/term/delegation/group ref, a site's staff, a township's
    staff, an account or a deputy. ``label`` is the name shown, kept when the rule is saved."""

    audience = models.ForeignKey(Audience, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("类型"), max_length=16, choices=AudienceRuleKind.choices)
    value = models.CharField(_("值"), max_length=64)
    label = models.CharField(_("名称"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("发送范围规则")
        verbose_name_plural = _("发送范围规则")
        ordering = ["audience", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["audience", "kind", "value"], name="services_audience_rule_unique"
            )
        ]
        indexes = [models.Index(fields=["kind", "value"], name="services_audience_rule_match")]

    def __str__(self) -> str:
        return self.label or f"{self.get_kind_display()} {self.value}"
