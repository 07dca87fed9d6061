"""Resources (知情知政): documents, reference material, work information and research
reports, each for an audience (``cms.services.audience``), with files, read receipts
and a download log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.plugins.db import SiteOwnedModel


class Kind(models.TextChoices):
    DOCUMENT = "document", _("文件")
    REFERENCE = "reference", _("参考资料")
    WORK_INFO = "work_info", _("工作信息")
    RESEARCH = "research", _("调研报告")


class Issuer(models.TextChoices):
    """The issuing body (发文机关): the congress, the government, the supervisory
    commission, the court, the procuratorate, or another body."""

    CONGRESS = "congress", _("人大")
    GOVERNMENT = "government", _("政府")
    SUPERVISORY = "supervisory", _("监委")
    COURT = "court", _("法院")
    PROCURATORATE = "procuratorate", _("检察院")
    OTHER = "other", _("其他")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class Category(SiteOwnedModel):
    """A site's own categories (栏目分类) of resources, e.g. 重要文件, 专题学习."""

    affects_public_api = False

    name = models.CharField(_("名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("材料分类")
        verbose_name_plural = _("材料分类")
        ordering = ["order", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="resources_category_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Resource(SiteOwnedModel):
    """One item for deputies to know (知情知政): never public, seen only by its audience."""

    affects_public_api = False

    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.DOCUMENT)
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("分类"),
    )  # fmt: skip
    issuer = models.CharField(
        _("发文机关类别"), max_length=16, choices=Issuer.choices, default=Issuer.CONGRESS
    )
    issuing_body = models.CharField(
        _("发文机关"), max_length=100, blank=True, help_text=_("如:肥西县人民政府办公室")
    )
    number = models.CharField(_("文号"), max_length=100, blank=True)
    summary = models.TextField(_("摘要"), blank=True)
    body = models.TextField(_("正文"), blank=True)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    expires_on = models.DateField(
        _("有效期至"), null=True, blank=True, help_text=_("过了这一天,代表不再看到这份材料")
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    audience = models.OneToOneField(
        "services.Audience", on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        related_name="+", verbose_name=_("发送范围"),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+", verbose_name=_("创建人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("知情知政材料")
        verbose_name_plural = _("知情知政材料")
        ordering = ["-published_at", "-created_at", "-pk"]
        indexes = [models.Index(fields=["site", "status", "published_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()


class ResourceFile(models.Model):
    """A file of a resource: a private upload (``cms.services.uploads``). PDFs are served
    to readers only with their watermark, never as the original."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="files")
    upload = models.ForeignKey("moderation.Upload", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("文件名"), max_length=200)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("材料附件")
        verbose_name_plural = _("材料附件")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_pdf(self) -> bool:
        return self.upload.content_type == "application/pdf"


class Receipt(models.Model):
    """One reader of one resource: when it was pushed to them, when they first read it,
    when they were last reminded. Made on publication for the audience, and on a first
    read by anyone the audience took in later."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("姓名"), max_length=100)
    deputy_ref = models.CharField(_("代表编号"), max_length=32, blank=True)
    notified_at = models.DateTimeField(_("推送时间"), null=True, blank=True)
    first_read_at = models.DateTimeField(_("首次阅读时间"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("最近提醒时间"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("提醒次数"), default=0)

    class Meta:
        verbose_name = _("阅读回执")
        verbose_name_plural = _("阅读回执")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "user"], name="resources_receipt_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.resource}"


class Download(models.Model):
    """Who downloaded which file of which resource, when (the download audit)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="downloads")
    file = models.ForeignKey(ResourceFile, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=100)
    at = models.DateTimeField(_("下载时间"), default=timezone.now, db_index=True)
    watermarked = models.BooleanField(_("加水印"), default=False)

    class Meta:
        verbose_name = _("下载记录")
        verbose_name_plural = _("下载记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} · {self.file}"
