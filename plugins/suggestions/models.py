"""Motions and suggestions (议案、建议) and what happens to them.

A ``Suggestion`` is written by a deputy (its ``author``, the 领衔代表) on a site
where the deputy holds a seat, co-signed by other deputies (``CoSigner``),
taken in by the office (accepted or returned), assigned to a lead unit and
co-handling units (``Assignment``, each with its internal deadline), replied
to by the lead unit (class A/B/C/D) and rated by each deputy (``Rating``).
Every change of state is a row of ``Transition`` (append-only). The states
and who moves them: docs/suggestions.md; the moves themselves: ``workflow.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.plugins.db import Moderated, SiteLevel, SiteOwnedModel, StateHistory

from . import similarity


class Kind(models.TextChoices):
    SUGGESTION = "suggestion", _("建议")
    MOTION = "motion", _("议案")


class Period(models.TextChoices):
    SESSION = "session", _("大会期间")
    RECESS = "recess", _("闭会期间")


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已立案")
    RETURNED = "returned", _("已退回")
    ASSIGNED = "assigned", _("办理中")
    REPLIED = "replied", _("已答复")
    REHANDLING = "rehandling", _("重新办理")
    RATED = "rated", _("已评价")
    CLOSED = "closed", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")
    #: A motion the presidium put on the session's agenda (it leaves this workflow).
    AGENDA = "agenda", _("列入会议议程")


class ReplyClass(models.TextChoices):
    A = "A", _("A类:已解决或基本解决")
    B = "B", _("B类:正在解决或列入计划解决")
    C = "C", _("C类:因条件限制留作参考,已说明")
    D = "D", _("D类:留作参考")


class RatingResult(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Category(models.TextChoices):
    ECONOMY = "economy", _("经济发展")
    AGRICULTURE = "agriculture", _("农业农村")
    TRANSPORT = "transport", _("交通建设")
    EDUCATION = "education", _("教育科技")
    HEALTH = "health", _("医疗卫生")
    ENVIRONMENT = "environment", _("生态环境")
    SOCIAL = "social", _("社会保障")
    GOVERNANCE = "governance", _("社会治理")
    OTHER = "other", _("其他")


class Suggestion(Moderated, SiteOwnedModel):
    """A motion or suggestion of a deputy to one site's congress."""

    #: What the deputy writes: screened on every POST, held for moderation on a listed word.
    moderated_fields = ("title", "text")

    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.SUGGESTION)
    #: The congress meeting it belongs to, as offices write it (filters, statistics, imports).
    session = models.CharField(
        _("届次会议"), max_length=100, blank=True, db_index=True,
        help_text=_("如“十七届人大五次会议”;闭会期间提出的写“闭会期间(2026年)”"),
    )  # fmt: skip
    #: The office's registration number (立案编号), unique on the site once given.
    number = models.CharField(_("编号"), max_length=32, blank=True, help_text=_("如“第0012号”"))
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("内容"), max_length=10000)
    category = models.CharField(_("分类"), max_length=16, choices=Category.choices, blank=True)
    period = models.CharField(_("提出时间"), max_length=16, choices=Period.choices,
                              default=Period.RECESS)  # fmt: skip
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("领衔代表账号"),
    )  # fmt: skip
    deputy_ref = models.CharField(_("领衔代表编号"), max_length=32, blank=True)
    deputy_name = models.CharField(_("领衔代表"), max_length=50, blank=True)
    on_paper = models.BooleanField(_("纸质提交,工作人员代录"), default=False)
    #: A motion the presidium turned into a suggestion (its ``kind`` is now suggestion).
    from_motion = models.BooleanField(_("由议案转为建议"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("录入人"),
    )  # fmt: skip
    attachments = models.ManyToManyField(
        "moderation.Upload", blank=True, related_name="+", verbose_name=_("附件")
    )
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.DRAFT,
                             db_index=True)  # fmt: skip
    return_reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    assigned_on = models.DateField(_("交办日期"), null=True, blank=True)
    # The reply (of the lead unit), the latest round's.
    round = models.PositiveSmallIntegerField(_("答复轮次"), default=0)
    reply_class = models.CharField(_("答复类别"), max_length=1, choices=ReplyClass.choices,
                                   blank=True)  # fmt: skip
    reply_text = models.TextField(_("答复内容"), blank=True)
    reply_signed_by = models.CharField(_("签发人"), max_length=50, blank=True)
    reply_attachments = models.ManyToManyField(
        "moderation.Upload", blank=True, related_name="+", verbose_name=_("答复附件")
    )
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    #: The duplicate check's bigrams of the title and the text's beginning (``similarity``),
    #: kept with the row so that one check compares stored sets, not thousands of texts.
    fingerprint = models.TextField(_("查重指纹"), blank=True, editable=False)
    # --- the office's tools (merged handling, commitments, imports) -------------------
    #: Merged handling (并案办理): items of the same content handled together by the same units.
    merge_group = models.ForeignKey(
        "MergeGroup", on_delete=models.SET_NULL, null=True, blank=True, related_name="items",
        verbose_name=_("并案办理"),
    )  # fmt: skip
    #: A B or C reply's promise: what the unit will do and by when; open until done.
    commitment = models.TextField(_("承诺事项"), max_length=2000, blank=True)
    commitment_due = models.DateField(_("承诺完成时间"), null=True, blank=True)
    commitment_reported_at = models.DateTimeField(_("承办单位报告落实时间"), null=True,
                                                  blank=True)  # fmt: skip
    commitment_report = models.TextField(_("落实情况"), max_length=2000, blank=True)
    commitment_done_at = models.DateTimeField(_("确认落实时间"), null=True, blank=True)
    #: Entered from a past session's workbook (``import_suggestions``), not through the workflow.
    imported = models.BooleanField(_("历史导入"), default=False)

    class Meta:
        verbose_name = _("议案建议")
        verbose_name_plural = _("议案建议")
        ordering = ["-created_at", "-pk"]
        permissions = [("handle_suggestion", _("办理交办的议案建议"))]
        # The board's page: the newest first, read from the index rather than sorted.
        indexes = [models.Index(fields=["-created_at", "-id"], name="suggestions_newest_first")]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "number"], condition=~models.Q(number=""),
                name="suggestions_one_number_per_site",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"title", "text"} & set(update_fields):
            self.fingerprint = similarity.fingerprint(self.title, self.text)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "fingerprint"}
        super().save(*args, **kwargs)

    @property
    def commitment_open(self) -> bool:
        """A B or C reply's commitment the office has not yet confirmed as done."""
        return bool(self.commitment_due) and self.commitment_done_at is None

    @property
    def lead_assignment(self):
        for row in self.assignments.all():
            if row.role == Assignment.Role.LEAD and row.returned_at is None:
                return row
        return None


class MergeGroup(SiteOwnedModel):
    """Merged handling (并案办理): items of the same content handled by the same units.

    Assigning one of them assigns all; each is still replied to and rated
    separately, for its own deputies.
    """

    title = models.CharField(_("并案名称"), max_length=200)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("创建人"))  # fmt: skip

    class Meta:
        verbose_name = _("并案办理")
        verbose_name_plural = _("并案办理")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class CoSigner(models.Model):
    """A deputy who co-signs (附议); counts once they confirm through their own account."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="cosigners",
                                   verbose_name=_("议案建议"))  # fmt: skip
    deputy_ref = models.CharField(_("代表编号"), max_length=32)
    name = models.CharField(_("姓名"), max_length=50)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name=_("确认账号"))  # fmt: skip
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("附议代表")
        verbose_name_plural = _("附议代表")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "deputy_ref"], name="suggestions_one_cosigner"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """A unit's share of the handling: the lead unit (主办) or a co-handling unit (协办)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        CO = "co", _("协办")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="assignments",
                                   verbose_name=_("议案建议"))  # fmt: skip
    unit = models.ForeignKey("accounts.HandlingUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("承办单位"))  # fmt: skip
    role = models.CharField(_("承办方式"), max_length=8, choices=Role.choices)
    due_on = models.DateField(_("内部期限"))
    assigned_at = models.DateTimeField(_("交办时间"), default=timezone.now)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    #: A co-handling unit's views, sent to the lead unit (协办意见).
    opinion = models.TextField(_("协办意见"), max_length=5000, blank=True)
    opinion_at = models.DateTimeField(_("提出意见时间"), null=True, blank=True)
    opinion_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("提出人"))  # fmt: skip

    class Meta:
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        ordering = ["role", "pk"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}:{self.unit}"


class Rating(models.Model):
    """A deputy's evaluation of one round's reply."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="ratings",
                                   verbose_name=_("议案建议"))  # fmt: skip
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="+", verbose_name=_("评价代表账号"))  # fmt: skip
    deputy_name = models.CharField(_("评价代表"), max_length=50, blank=True)
    round = models.PositiveSmallIntegerField(_("答复轮次"))
    result = models.CharField(_("评价"), max_length=16, choices=RatingResult.choices)
    comment = models.TextField(_("意见"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("代表评价")
        verbose_name_plural = _("代表评价")
        ordering = ["round", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "user", "round"], name="suggestions_one_rating_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.deputy_name}:{self.get_result_display()}"


class Transition(StateHistory):
    """One change of state: who, when, from → to, and a note. Never changed, never deleted."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="history",
                                   verbose_name=_("议案建议"))  # fmt: skip
    from_state = models.CharField(_("原状态"), max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16, choices=State.choices)

    class Meta(StateHistory.Meta):
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")


class MotionRule(models.Model):
    """How many deputies must sign a motion (议案) together, per congress level.

    The local organic law asks for ten or more deputies (the lead deputy
    counted) at county level and above; a level without a row uses that."""

    DEFAULT_SIGNERS = 10

    level = models.CharField(_("层级"), max_length=16, choices=SiteLevel.choices, unique=True)
    signers = models.PositiveSmallIntegerField(
        _("联名人数下限"), validators=[MinValueValidator(1)],
        help_text=_("含领衔代表;附议代表须本人确认"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("议案联名人数")
        verbose_name_plural = _("议案联名人数")
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.get_level_display()}:{self.signers}人"

    @classmethod
    def signers_for(cls, site) -> int:
        """The minimum for ``site``'s level (a Site or SiteProfile)."""
        profile = getattr(site, "profile", site)
        level = getattr(profile, "level", "")
        row = cls.objects.filter(level=level).values_list("signers", flat=True).first()
        return row or cls.DEFAULT_SIGNERS


class Contact(models.Model):
    """The lead unit's contact with the deputies before replying (办前、办中沟通), logged."""

    class Method(models.TextChoices):
        PHONE = "phone", _("电话")
        VISIT = "visit", _("走访")
        MEETING = "meeting", _("座谈")
        SITE = "site", _("现场察看")
        MESSAGE = "message", _("书面或短信")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="contacts",
                                   verbose_name=_("议案建议"))  # fmt: skip
    unit = models.ForeignKey("accounts.HandlingUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("承办单位"))  # fmt: skip
    on = models.DateField(_("沟通日期"))
    method = models.CharField(_("方式"), max_length=16, choices=Method.choices)
    note = models.TextField(_("沟通情况"), max_length=2000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           related_name="+", verbose_name=_("记录人"))  # fmt: skip
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("联系代表记录")
        verbose_name_plural = _("联系代表记录")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.on} {self.get_method_display()}"


class ReplyDraft(models.Model):
    """A reply written by a unit's staff, waiting for the unit's signer (two-step 签发).

    Approving it sends the reply (``workflow.approve_reply``) with the signer's
    name; sending it back asks the drafter to change it, with a note."""

    class Status(models.TextChoices):
        AWAITING = "awaiting", _("待签发")
        APPROVED = "approved", _("已签发")
        SENT_BACK = "sent_back", _("退回修改")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="drafts",
                                   verbose_name=_("议案建议"))  # fmt: skip
    unit = models.ForeignKey("accounts.HandlingUnit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("承办单位"))  # fmt: skip
    round = models.PositiveSmallIntegerField(_("答复轮次"))
    reply_class = models.CharField(_("答复类别"), max_length=1, choices=ReplyClass.choices)
    text = models.TextField(_("答复内容"))
    #: Further reply fields the workflow takes (e.g. a commitment), kept as entered.
    extra = models.JSONField(_("其他答复事项"), default=dict, blank=True)
    attachments = models.ManyToManyField(
        "moderation.Upload", blank=True, related_name="+", verbose_name=_("附件")
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices,
                              default=Status.AWAITING)  # fmt: skip
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("拟稿人"))  # fmt: skip
    drafted_at = models.DateTimeField(_("拟稿时间"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("签发人"))  # fmt: skip
    decided_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    note = models.CharField(_("退回修改意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("答复稿")
        verbose_name_plural = _("答复稿")
        ordering = ["-drafted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion"], condition=models.Q(status="awaiting"),
                name="suggestions_one_draft_awaiting",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.suggestion}(第{self.round}次答复稿)"


class Publication(models.Model):
    """The public version of a replied suggestion: the office's confirmed redacted texts.

    The office's publication step proposes the title, text and reply with contact
    details and ID numbers removed (``cms.services.redaction``); staff edit and confirm them
    (``confirmed_by``), then publish (``published_at``). Only these texts are ever
    shown to the public (the public API, the site search); the originals stay on
    the ``Suggestion`` for the office, the units and the deputies concerned. The
    texts are those of reply round ``round``: a later reply waits for a new
    confirmation before the public sees it.
    """

    suggestion = models.OneToOneField(Suggestion, on_delete=models.CASCADE,
                                      related_name="publication", verbose_name=_("议案建议"))  # fmt: skip
    round = models.PositiveSmallIntegerField(_("答复轮次"), default=0)
    title = models.CharField(_("公开标题"), max_length=200)
    text = models.TextField(_("公开内容"), max_length=10000)
    reply_class = models.CharField(_("答复类别"), max_length=1, choices=ReplyClass.choices,
                                   blank=True)  # fmt: skip
    reply_text = models.TextField(_("公开答复内容"))
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("确认人"))  # fmt: skip
    confirmed_by_name = models.CharField(_("确认人"), max_length=100, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("公开操作人"))  # fmt: skip
    unpublished_at = models.DateTimeField(_("撤销公开时间"), null=True, blank=True)
    unpublish_reason = models.CharField(_("撤销公开理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("答复公开")
        verbose_name_plural = _("答复公开")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
