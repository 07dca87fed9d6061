"""Models of the liaison plugin.

Citizens' messages to deputies (``Message``): written by a citizen through the
mini-program to a deputy, a liaison station, the deputies of a place, or no
one (the office triages), screened, delivered, answered (by the deputy or a
handling unit the message was forwarded to), rated and closed. Every change of
state is a row of ``MessageTransition`` (append-only); the moves: ``messages.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.plugins.db import Moderated, SiteOwnedModel, StateHistory


class MessageState(models.TextChoices):
    RECEIVED = "received", _("已收到")
    SCREENED = "screened", _("待分办")
    DELIVERED = "delivered", _("已送达代表")
    FORWARDED = "forwarded", _("已转办")
    ANSWERED = "answered", _("已答复")
    REOPENED = "reopened", _("重新办理")
    CLOSED = "closed", _("已办结")
    REJECTED = "rejected", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")


class AddressedTo(models.TextChoices):
    DEPUTY = "deputy", _("代表")
    STATION = "station", _("联络站")
    PLACE = "place", _("所在地的代表")
    OFFICE = "office", _("人大办公室(未指定)")


class Topic(models.TextChoices):
    ECONOMY = "economy", _("经济发展")
    AGRICULTURE = "agriculture", _("农业农村")
    TRANSPORT = "transport", _("交通出行")
    EDUCATION = "education", _("教育")
    HEALTH = "health", _("医疗卫生")
    ENVIRONMENT = "environment", _("生态环境")
    SOCIAL = "social", _("社会保障")
    HOUSING = "housing", _("住房与物业")
    GOVERNANCE = "governance", _("社会治理")
    OTHER = "other", _("其他")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


#: States in which a message waits for an answer (its reply clock runs once delivered).
OPEN_STATES = (
    MessageState.SCREENED,
    MessageState.DELIVERED,
    MessageState.FORWARDED,
    MessageState.REOPENED,
)


class Message(Moderated, SiteOwnedModel):
    """A citizen's message to deputies on one site (群众留言)."""

    #: What the citizen writes: screened on every POST, held for moderation on a listed word.
    moderated_fields = ("title", "text")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("留言群众账号"),
    )  # fmt: skip
    addressed_to = models.CharField(
        _("写给"), max_length=10, choices=AddressedTo.choices, default=AddressedTo.OFFICE
    )
    #: The deputy written to (a ``cms.services.directory`` ref).
    deputy_ref = models.CharField(_("代表编号"), max_length=32, blank=True)
    #: The station written to (a ``cms.services.directory`` station ref) and its name then.
    station_ref = models.CharField(_("联络站编号"), max_length=32, blank=True)
    station_name = models.CharField(_("联络站"), max_length=100, blank=True)
    #: The township or county code of "my deputies" (写给所在地的代表).
    place_code = models.CharField(_("所在地区划代码"), max_length=9, blank=True)
    topic = models.CharField(_("类别"), max_length=16, choices=Topic.choices, blank=True)
    title = models.CharField(_("标题"), max_length=100)
    text = models.TextField(_("内容"), max_length=3000)
    #: The text as the citizen wrote it: moderation may edit ``title``/``text``, never these.
    original_title = models.CharField(_("原标题"), max_length=100, editable=False)
    original_text = models.TextField(_("原内容"), editable=False)
    #: SHA-256 of the normalised original text: one author's duplicates are refused.
    text_hash = models.CharField(max_length=64, editable=False, db_index=True)
    attachments = models.ManyToManyField(
        "moderation.Upload", blank=True, related_name="+", verbose_name=_("附件")
    )
    consent_publish = models.BooleanField(
        _("同意公开"), default=False, help_text=_("同意在去除个人信息后公开留言和答复")
    )
    state = models.CharField(_("状态"), max_length=12, choices=MessageState.choices,
                             default=MessageState.RECEIVED)  # fmt: skip
    reject_reason = models.CharField(_("不予受理理由"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    #: The reply clock's due date (``message.reply``), kept here for the board's counts.
    due_on = models.DateField(_("答复期限"), null=True, blank=True)
    unit = models.ForeignKey(
        "accounts.HandlingUnit", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("转办单位"),
    )  # fmt: skip
    forwarded_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    answer = models.TextField(_("答复内容"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("答复人账号"),
    )  # fmt: skip
    #: Who answered, as the public may read it: the deputy's name or the unit's.
    answered_by_name = models.CharField(_("答复人"), max_length=100, blank=True)
    rating = models.CharField(_("评价"), max_length=12, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("评价意见"), max_length=1000, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    #: "Was it solved?": asked two weeks after the answer; None until the citizen says.
    solved_asked_at = models.DateTimeField(_("询问是否解决时间"), null=True, blank=True)
    solved = models.BooleanField(_("问题已解决"), null=True, blank=True)
    solved_at = models.DateTimeField(_("回复是否解决时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    suggestion_ref = models.CharField(_("转为建议编号"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("群众留言")
        verbose_name_plural = _("群众留言")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["site", "state"], name="liaison_msg_site_state"),
            models.Index(fields=["site", "state", "due_on"], name="liaison_msg_site_due"),
            models.Index(fields=["author", "text_hash"], name="liaison_msg_author_hash"),
            # The office's board lists the newest first (50 of 100,000 a page, any site),
            # and its queues 未答复 and 逾期未答复 by due date (a walk of the open ones only).
            models.Index(fields=["-received_at", "-id"], name="liaison_msg_received"),
            models.Index(
                fields=["due_on", "received_at", "id"],
                name="liaison_msg_open_due",
                condition=models.Q(state__in=[s.value for s in OPEN_STATES]),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MessageRecipient(models.Model):
    """A deputy a message was delivered to (by ``cms.services.directory`` ref)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="recipients",
                                verbose_name=_("群众留言"))  # fmt: skip
    deputy_ref = models.CharField(_("代表编号"), max_length=32, db_index=True)
    name = models.CharField(_("代表"), max_length=50)

    class Meta:
        verbose_name = _("收信代表")
        verbose_name_plural = _("收信代表")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["message", "deputy_ref"], name="liaison_one_recipient")
        ]

    def __str__(self) -> str:
        return self.name


class MessageTransition(StateHistory):
    """One change of state: who, when, from → to, and a note. Never changed, never deleted."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="history",
                                verbose_name=_("群众留言"))  # fmt: skip
    from_state = models.CharField(_("原状态"), max_length=12, choices=MessageState.choices,
                                  blank=True)  # fmt: skip
    to_state = models.CharField(_("新状态"), max_length=12, choices=MessageState.choices)

    class Meta(StateHistory.Meta):
        verbose_name = _("留言办理记录")
        verbose_name_plural = _("留言办理记录")


class MessagePublication(models.Model):
    """The public version of an answered message: the office's redacted texts.

    Only with the citizen's consent; the public sees the date received, the date
    answered, who answered and the answer (and the redacted question), never the
    citizen."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="publication",
                                   verbose_name=_("群众留言"))  # fmt: skip
    title = models.CharField(_("公开标题"), max_length=100)
    text = models.TextField(_("公开留言内容"), max_length=3000)
    answer = models.TextField(_("公开答复内容"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("确认人"))  # fmt: skip
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("留言答复公开")
        verbose_name_plural = _("留言答复公开")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title


from .committee import *  # noqa: E402,F403  (委员联系代表: committee.py)
from .groups import *  # noqa: E402,F403  (群聊: groups.py)
