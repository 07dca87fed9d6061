"""Publication review (信息发布审查): the word list and the workflow's automatic check step.

``SensitiveWord`` rows with no site apply to every site of the group; rows
with a site apply to that site only. ``AutomaticCheckTask`` is the first step
of every site's publication workflow: it runs the publication checks
(``cms.content.publication``) on the submitted revision and approves or
rejects it by itself, naming each problem in the task comment.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site, Task


class WordKind(models.TextChoices):
    SENSITIVE = "sensitive", _("敏感词")
    WRONG = "wrong", _("错别字")


class SensitiveWord(models.Model):
    """A word that stops publication: a sensitive word, or a common misspelling (错别字)."""

    word = models.CharField(_("词语"), max_length=100)
    kind = models.CharField(
        _("类型"), max_length=16, choices=WordKind.choices, default=WordKind.SENSITIVE
    )
    replacement = models.CharField(
        _("建议改为"),
        max_length=100,
        blank=True,
        help_text=_("错别字的正确写法,如“人大代表大会”应为“人民代表大会”。"),
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属站点"),
        help_text=_("留空表示全网站群通用。"),
    )
    note = models.CharField(_("备注"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("敏感词")
        verbose_name_plural = _("敏感词与错别字")
        ordering = ["site_id", "word"]
        constraints = [
            models.UniqueConstraint(fields=["site", "word"], name="review_word_unique_per_site"),
            models.UniqueConstraint(
                fields=["word"], condition=Q(site__isnull=True), name="review_word_unique_global"
            ),
        ]

    def __str__(self) -> str:
        return self.word

    def clean(self):
        from django.core.exceptions import ValidationError

        self.word = (self.word or "").strip()
        if not self.word:
            raise ValidationError({"word": _("词语不能为空。")})
        duplicates = SensitiveWord.objects.filter(word=self.word, site=self.site).exclude(
            pk=self.pk
        )
        if duplicates.exists():
            raise ValidationError({"word": _("该词语已在词表中。")})


class AutomaticCheckTask(Task):
    """自动检查: sensitive and wrong words, required date, confidentiality mark.

    Nobody approves or rejects it by hand: ``start`` decides at once, and
    ``WorkflowState.update`` moves on (or stops at "needs changes") because the
    task state is no longer in progress when ``start`` returns.
    """

    def start(self, workflow_state, user=None):
        from cms.content.publication import find_problems

        task_state = super().start(workflow_state, user=user)
        problems = find_problems(task_state.revision.as_object())
        if problems:
            comment = _("自动检查未通过:") + ";".join(p.message for p in problems)
            task_state.reject(user=None, update=False, comment=str(comment))
        else:
            task_state.approve(user=None, update=False, comment=str(_("自动检查通过。")))
        return task_state

    def get_actions(self, obj, user):
        return []

    @classmethod
    def get_description(cls):
        return _("自动检查敏感词、错别字、日期与公开属性;通过后进入下一步,未通过则退回修改。")

    class Meta:
        verbose_name = _("自动检查")
        verbose_name_plural = _("自动检查")


class AuditSeal(models.Model):
    """One link of the audit log's hash chain (cms.review.audit).

    ``digest`` is the HMAC of the log entry's content and of the link before
    it (``previous``), so an entry changed, removed or slipped in later breaks
    the chain from that point; ``manage.py verify_audit_log`` names the first
    broken link. The permission ``view_audit_log`` is the audit
    administrator's: reading and exporting the audit log.
    """

    kind = models.CharField(
        _("记录表"), max_length=8, choices=[("page", "页面"), ("model", "对象")]
    )
    entry_id = models.BigIntegerField(_("记录编号"))
    previous = models.CharField(_("前一环摘要"), max_length=64, blank=True)
    digest = models.CharField(_("摘要"), max_length=64)
    sealed_at = models.DateTimeField(_("封存时间"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        default_permissions = ()
        permissions = [("view_audit_log", _("查看与导出审计日志"))]
        constraints = [
            models.UniqueConstraint(fields=["kind", "entry_id"], name="review_auditseal_entry")
        ]
        verbose_name = _("审计日志封存")
        verbose_name_plural = _("审计日志封存")

    def __str__(self):
        return f"{self.kind}:{self.entry_id}"
