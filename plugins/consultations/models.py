"""Public consultations (征求意见) and calls for topics (立法、监督项目征集).

A ``Consultation`` is either a draft regulation put to the public
(``Kind.DRAFT``) or a call for legislative-plan or supervision topics
(``Kind.CALL``). It has a window (``opens_on`` … ``closes_on``, at least the
``consultation.window`` minimum of ``cms.services.deadlines``) that the
``consultations.window`` sweep opens and closes.

A draft has ``Version`` s (征求意见稿, 二审稿, 表决稿), each with its tree of
``Provision`` s (编, 章, 节, 条, 款, 项; ``structure.py`` reads them from Word).
Citizens and deputies ``Comment`` on the whole draft, an article or a
paragraph (moderated like every user text; a deputy's comment is marked
``as_deputy`` and counted apart). After the window the office records a
``Decision`` (adopted, partly, not adopted, with its reason) for one comment
or a group of them, linked to the article of the new version that changed;
the feedback report (意见采纳情况) is published with ``report_published_at``.

A call gets ``Proposal`` s (title, reasons, content, proposer type), each
decided (included, merged, not included, with reasons) and published with
the call's report.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.plugins.db import Moderated, SiteOwnedModel
from cms.services import deadlines

from . import structure

WINDOW_RULE = "consultation.window"


class Kind(models.TextChoices):
    DRAFT = "draft", _("法规草案征求意见")
    CALL = "call", _("立法监督项目征集")


class Topic(models.TextChoices):
    LEGISLATION = "legislation", _("立法计划项目")
    SUPERVISION = "supervision", _("监督工作项目")


class Status(models.TextChoices):
    DRAFT = "draft", _("未发布")
    SCHEDULED = "scheduled", _("待开始")
    OPEN = "open", _("征求意见中")
    CLOSED = "closed", _("已结束")


class Stage(models.TextChoices):
    FIRST = "first", _("征求意见稿")
    SECOND = "second", _("二审稿")
    FINAL = "final", _("表决稿")


class Result(models.TextChoices):
    ADOPTED = "adopted", _("采纳")
    PARTLY = "partly", _("部分采纳")
    NOT_ADOPTED = "not_adopted", _("未采纳")


class ProposerType(models.TextChoices):
    CITIZEN = "citizen", _("公民")
    DEPUTY = "deputy", _("人大代表")
    ORGANISATION = "organisation", _("单位组织")


class Outcome(models.TextChoices):
    INCLUDED = "included", _("列入")
    MERGED = "merged", _("合并列入")
    NOT_INCLUDED = "not_included", _("未列入")


def window_days(site) -> int:
    """The default length of a window on ``site``'s level (setting ``WINDOW_DAYS``)."""
    config = apps.get_app_config("consultations").plugin_settings.get("WINDOW_DAYS", {})
    level = getattr(getattr(site, "profile", site), "level", "") or ""
    return int(config.get(level, config.get("", 30)))


def earliest_close(site, opens_on: dt.date) -> dt.date:
    """The statutory minimum: ``deadlines.due_date("consultation.window", opens_on, site)``."""
    return deadlines.due_date(WINDOW_RULE, opens_on, site)


def default_close(site, opens_on: dt.date) -> dt.date:
    return max(opens_on + dt.timedelta(days=window_days(site)), earliest_close(site, opens_on))


class Consultation(SiteOwnedModel):
    public_text_fields = ("title", "summary", "explanation")

    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices, default=Kind.DRAFT)
    topic = models.CharField(_("征集项目"), max_length=16, choices=Topic.choices, blank=True,
                             help_text=_("仅项目征集填写"))  # fmt: skip
    title = models.CharField(_("标题"), max_length=200)
    summary = models.TextField(_("简介"), blank=True, max_length=2000)
    explanation = models.TextField(_("起草说明"), blank=True)
    attachments = models.ManyToManyField(
        "wagtaildocs.Document", blank=True, related_name="+", verbose_name=_("附件")
    )
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"), help_text=_("不早于法定最短期限(设置 → 法定时限)"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)  # fmt: skip
    report_published_at = models.DateTimeField(_("反馈报告发布时间"), null=True, blank=True)
    report_summary = models.TextField(_("反馈报告说明"), blank=True)
    #: The published feedback report as the API serves it (``report.store_report``), built
    #: when it is published and again when a decision, a version or a moderation changes
    #: it; JSON text rather than a JSONField, whose PostgreSQL ``jsonb`` reorders keys.
    report_json = models.TextField(blank=True, editable=False, default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("征求意见")
        verbose_name_plural = _("征求意见")
        ordering = ["-opens_on", "-pk"]
        indexes = [models.Index(fields=["site", "status"], name="consult_site_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status != Status.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    def clean(self) -> None:
        super().clean()
        if self.kind == Kind.CALL and not self.topic:
            raise ValidationError({"topic": _("项目征集须选择征集立法计划项目还是监督工作项目。")})
        if self.opens_on and self.closes_on and self.site_id:
            earliest = earliest_close(self.site, self.opens_on)
            if self.closes_on < earliest:
                raise ValidationError({"closes_on": _("征求意见期不得短于法定期限:截止日期最早为%(d)s。")
                                       % {"d": earliest.isoformat()}})  # fmt: skip

    def current_version(self):
        return self.versions.order_by("-number").first()


class Version(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("版本"), default=1)
    stage = models.CharField(_("稿次"), max_length=8, choices=Stage.choices, default=Stage.FIRST)
    title = models.CharField(_("草案标题"), max_length=200)
    preamble = models.TextField(_("题注"), blank=True)
    note = models.TextField(_("修改说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("草案版本")
        verbose_name_plural = _("草案版本")
        ordering = ["consultation", "number"]
        constraints = [models.UniqueConstraint(fields=["consultation", "number"],
                                               name="consult_version_number")]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.title}({self.get_stage_display()})"


class ProvisionKind(models.TextChoices):
    PART = structure.PART, _("编")
    CHAPTER = structure.CHAPTER, _("章")
    SECTION = structure.SECTION, _("节")
    ARTICLE = structure.ARTICLE, _("条")
    PARAGRAPH = structure.PARAGRAPH, _("款")
    ITEM = structure.ITEM, _("项")


class Provision(models.Model):
    """One node of a version's tree, in document order (``position``)."""

    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="provisions")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, related_name="children")
    #: For a paragraph or an item: its article (comments on a paragraph count for it).
    article = models.ForeignKey("self", on_delete=models.CASCADE, null=True, related_name="+")
    kind = models.CharField(_("层级"), max_length=10, choices=ProvisionKind.choices)
    number = models.PositiveIntegerField(_("序号"))
    position = models.PositiveIntegerField(_("位置"))
    label = models.CharField(_("编号"), max_length=20)
    heading = models.CharField(_("标题"), max_length=200, blank=True)
    #: A paragraph's or an item's own text; an article's whole text (its paragraphs and items).
    text = models.TextField(_("内容"), blank=True)
    #: For an article: the part, chapter and section it sits in ("第二章 规划与建设 / 第一节 规划").
    place = models.CharField(_("所在章节"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("条文")
        verbose_name_plural = _("条文")
        ordering = ["version", "position"]
        indexes = [models.Index(fields=["version", "kind", "number"], name="consult_prov_kind")]

    def __str__(self) -> str:
        return f"{self.label} {self.heading}".strip()


class Comment(Moderated, SiteOwnedModel):
    """A citizen's or deputy's opinion on a draft, an article or a paragraph."""

    moderated_fields = ("text",)
    #: A new comment empties no cached answer: the answers that count comments while the
    #: window is open are never cached (``api.views.LIVE_COUNTS``); after the window a
    #: moderation, a decision or a deletion forgets the site's answers (``workflow``).
    affects_public_api = False

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="comments"
    )
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="comments")
    #: The article or paragraph commented on (none: the whole draft).
    provision = models.ForeignKey(Provision, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("条款"))  # fmt: skip
    #: The article of ``provision`` (itself for an article): what counts group by.
    article = models.ForeignKey(Provision, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")  # fmt: skip
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+", verbose_name=_("提交人"))  # fmt: skip
    as_deputy = models.BooleanField(_("人大代表意见"), default=False)
    text = models.TextField(_("意见"), max_length=3000)
    decision = models.ForeignKey("Decision", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="comments", verbose_name=_("采纳情况"))  # fmt: skip
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        verbose_name = _("意见")
        verbose_name_plural = _("意见")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["consultation", "moderation_status", "article"],
                         name="consult_comment_count"),
            models.Index(fields=["decision"], name="consult_comment_decision"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.text[:30]


class Decision(models.Model):
    """The office's answer to one comment or a group of them (``Comment.decision``)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="decisions"
    )
    result = models.CharField(_("采纳情况"), max_length=12, choices=Result.choices)
    reason = models.TextField(_("理由"), max_length=2000)
    #: The article of a later version that changed because of these comments.
    changed_provision = models.ForeignKey(
        Provision, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions",
        verbose_name=_("修改的条文"),
    )  # fmt: skip
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("处理人"))  # fmt: skip
    decided_at = models.DateTimeField(_("处理时间"), default=timezone.now)

    class Meta:
        verbose_name = _("采纳情况")
        verbose_name_plural = _("采纳情况")
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_result_display()}:{self.reason[:20]}"


class Proposal(Moderated, SiteOwnedModel):
    """A topic proposed to a call (立法计划、监督工作项目建议)."""

    moderated_fields = ("title", "reasons", "content", "organisation")
    affects_public_api = False  # published only with the call's report

    call = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="proposals")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+", verbose_name=_("提交人"))  # fmt: skip
    proposer_type = models.CharField(_("提出人类型"), max_length=16, choices=ProposerType.choices,
                                     default=ProposerType.CITIZEN)  # fmt: skip
    organisation = models.CharField(_("单位名称"), max_length=100, blank=True)
    title = models.CharField(_("项目名称"), max_length=200)
    reasons = models.TextField(_("立项理由"), max_length=3000)
    content = models.TextField(_("主要内容"), max_length=5000, blank=True)
    outcome = models.CharField(_("处理结果"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("处理说明"), blank=True, max_length=2000)
    merged_into = models.CharField(_("合并列入的项目"), max_length=200, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")  # fmt: skip
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        verbose_name = _("项目建议")
        verbose_name_plural = _("项目建议")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title
