"""找错 (网站纠错): a reader reports a wrong word, a dead link or wrong content on a page.

It is the core's own user write, built the way every plugin's writes are
(``docs/plugins.md``, "Writes"): site-scoped, screened and held for moderation
when it hits a sensitive word, idempotent, throttled, with attachments that
stay private. The site's staff answer it in the admin (设置 → 网站纠错); the
author sees its state and the answer in ``GET /api/v1/feedback/``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cms.moderation.models import Moderated, Upload
from cms.sitegroup.models import SiteOwnedModel


class Category(models.TextChoices):
    TYPO = "typo", _("错别字")
    LINK = "link", _("链接失效")
    CONTENT = "content", _("内容有误")
    OTHER = "other", _("其他")


class State(models.TextChoices):
    NEW = "new", _("待处理")
    HANDLED = "handled", _("已处理")


class Feedback(Moderated, SiteOwnedModel):
    moderated_fields = ("description",)
    #: 找错 reports are never in a public answer: a report does not empty the site's API cache.
    affects_public_api = False

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("页面"),
    )  # fmt: skip
    category = models.CharField(_("类别"), max_length=10, choices=Category.choices)
    description = models.TextField(_("问题描述"), max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("提交人"),
    )  # fmt: skip
    attachments = models.ManyToManyField(
        Upload, blank=True, related_name="+", verbose_name=_("附件")
    )
    state = models.CharField(_("处理状态"), max_length=10, choices=State.choices, default=State.NEW)
    answer = models.TextField(_("答复"), blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("网站纠错")
        verbose_name_plural = _("网站纠错")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} #{self.pk}"
