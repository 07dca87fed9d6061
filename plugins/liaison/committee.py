"""常委会组成人员联系代表: committee members, their deputies, the contact log, invitations.

* :class:`CommitteeMember`: a standing-committee member (常委会组成人员) of a site's
  congress in one term, an account on the site (a staff account or a deputy's account).
* :class:`Assignment`: a deputy (the directory's ``ref``, ``cms.services.directory``)
  assigned to a member; ended, never deleted, so the log keeps its context.
* :class:`Contact`: one contact (visit, phone, letter, deputy-group activity) of a
  member with an assigned deputy: date, issues raised, follow-up; kept by the member
  (API) or the office (admin), each change audited.
* :class:`Invitation` and :class:`Invitee`: an invitation to sit in on a session of
  the standing committee (列席), a law-enforcement inspection (执法检查) or research
  (调研); deputies register or decline, the office records attendance, and attendance
  becomes an entry of the deputy's performance record (``cms.services.performance``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.plugins.db import SiteOwnedModel

__all__ = [
    "Assignment",
    "CommitteeMember",
    "Contact",
    "ContactKind",
    "ContactReminder",
    "Invitation",
    "InvitationKind",
    "Invitee",
    "InviteeResponse",
]


class CommitteeMember(SiteOwnedModel):
    """A member of the site's standing committee in one term (届)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("账号"),
        help_text=_("组成人员登录使用的账号(工作人员账号或代表账号)。"),
    )  # fmt: skip
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=100, blank=True,
                            help_text=_("如：常委会副主任、常委会委员"))  # fmt: skip
    term = models.CharField(_("届次"), max_length=50, help_text=_("如：第十七届"))
    is_active = models.BooleanField(_("在任"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("常委会组成人员")
        verbose_name_plural = _("常委会组成人员")
        ordering = ["site", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "user", "term"], name="liaison_member_unique_per_term"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}({self.term})"


class Assignment(SiteOwnedModel):
    """A deputy a committee member keeps in touch with (联系代表)."""

    member = models.ForeignKey(CommitteeMember, on_delete=models.CASCADE,
                               related_name="assignments", verbose_name=_("组成人员"))  # fmt: skip
    deputy_ref = models.CharField(_("代表编号"), max_length=20, db_index=True)
    deputy_name = models.CharField(_("代表姓名"), max_length=50)
    assigned_on = models.DateField(_("联系起始日期"), default=timezone.localdate)
    ended_on = models.DateField(_("联系结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("联系代表")
        verbose_name_plural = _("联系代表")
        ordering = ["member__name", "deputy_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "deputy_ref"], name="liaison_assignment_unique"
            )  # fmt: skip
        ]
        indexes = [models.Index(fields=["site", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.member.name} → {self.deputy_name}"

    @property
    def active(self) -> bool:
        return self.ended_on is None or self.ended_on >= timezone.localdate()

    def save(self, *args, **kwargs):
        self.site_id = self.member.site_id
        super().save(*args, **kwargs)


class ContactKind(models.TextChoices):
    VISIT = "visit", _("走访")
    PHONE = "phone", _("电话")
    LETTER = "letter", _("信函")
    GROUP = "group", _("参加代表小组活动")


class Contact(SiteOwnedModel):
    """One contact of a member with an assigned deputy (联系记录)."""

    class Source(models.TextChoices):
        MEMBER = "member", _("组成人员填报")
        OFFICE = "office", _("机关登记")

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT,
                                   related_name="contacts", verbose_name=_("联系代表"))  # fmt: skip
    kind = models.CharField(_("联系方式"), max_length=10, choices=ContactKind.choices)
    date = models.DateField(_("联系日期"))
    issues = models.TextField(_("反映的问题"), blank=True)
    follow_up = models.TextField(_("跟进办理情况"), blank=True)
    source = models.CharField(_("记录来源"), max_length=10, choices=Source.choices,
                              default=Source.OFFICE, editable=False)  # fmt: skip
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False, verbose_name=_("记录人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("联系记录")
        verbose_name_plural = _("联系记录")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["assignment", "date"]),
            models.Index(fields=["site", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    def clean(self):
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("联系日期不能晚于今天。")})

    def save(self, *args, **kwargs):
        self.site_id = self.assignment.site_id
        super().save(*args, **kwargs)


class ContactReminder(SiteOwnedModel):
    """A reminder sent to a member that an assigned deputy is due a contact: one row per
    assignment and period (``due_on``), so a period's reminder is sent once
    (``committee_reminders.py``)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE,
                                   related_name="reminders", verbose_name=_("联系代表"))  # fmt: skip
    #: The day the contact fell due: the last contact (or the assignment's start) plus
    #: ``CONTACT_INTERVAL_MONTHS``, or a further whole interval later.
    due_on = models.DateField(_("应联系日期"))
    last_contact_on = models.DateField(_("上次联系日期"), null=True, blank=True)
    sent_at = models.DateTimeField(_("提醒时间"), default=timezone.now)

    class Meta:
        verbose_name = _("联系提醒")
        verbose_name_plural = _("联系提醒")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "due_on"], name="liaison_contact_reminder_once"
            )  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.assignment} {self.due_on:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        self.site_id = self.assignment.site_id
        super().save(*args, **kwargs)


class InvitationKind(models.TextChoices):
    SESSION = "session", _("列席常委会会议")
    INSPECTION = "inspection", _("执法检查")
    RESEARCH = "research", _("调研")


#: The performance-record kind (``cms.services.performance.PerformanceKind``) of attending.
PERFORMANCE_KIND = {
    InvitationKind.SESSION: "sit_in",
    InvitationKind.INSPECTION: "law_check",
    InvitationKind.RESEARCH: "research",
}


class Invitation(SiteOwnedModel):
    """An invitation of deputies to sit in on a session, an inspection or research."""

    kind = models.CharField(_("类别"), max_length=12, choices=InvitationKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    date = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200)
    capacity = models.PositiveIntegerField(_("名额"), help_text=_("可报名参加的代表人数上限。"))
    description = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )  # fmt: skip
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("列席和活动邀请")
        verbose_name_plural = _("列席和活动邀请")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def clean(self):
        if self.capacity is not None and self.capacity < 1:
            raise ValidationError({"capacity": _("名额至少为 1。")})


class InviteeResponse(models.TextChoices):
    INVITED = "invited", _("待答复")
    REGISTERED = "registered", _("已报名")
    DECLINED = "declined", _("已谢绝")


class Invitee(SiteOwnedModel):
    """One invited deputy: their answer and, after the event, whether they attended."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE,
                                   related_name="invitees", verbose_name=_("邀请"))  # fmt: skip
    deputy_ref = models.CharField(_("代表编号"), max_length=20, db_index=True)
    deputy_name = models.CharField(_("代表姓名"), max_length=50)
    response = models.CharField(_("答复"), max_length=12, choices=InviteeResponse.choices,
                                default=InviteeResponse.INVITED)  # fmt: skip
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    decline_reason = models.CharField(_("谢绝理由"), max_length=200, blank=True)
    #: None until the office records attendance.
    attended = models.BooleanField(_("出席"), null=True, blank=True)
    #: The performance-record entry attendance made (``cms.services.performance``).
    performance_entry_id = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("受邀代表")
        verbose_name_plural = _("受邀代表")
        ordering = ["invitation", "deputy_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "deputy_ref"], name="liaison_invitee_unique"
            )  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.deputy_name}({self.get_response_display()})"

    def save(self, *args, **kwargs):
        self.site_id = self.invitation.site_id
        super().save(*args, **kwargs)
