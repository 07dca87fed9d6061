"""Core page types of a congress portal.

Home → Column (栏目) → Article / Regulation / Report / Meeting, and on a
county's site, Township (乡镇人大) columns with their own nine-digit code.
Every content page carries a confidentiality mark and a first-publication
time that is recorded once and never rewritten.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.search import index

from cms.sitegroup.models import township_code_validator

from .blocks import AgendaBlock, BodyBlock, MeetingBodyBlock


class Confidentiality(models.TextChoices):
    """信息发布审查: disclosure is the rule, withholding the exception."""

    PUBLIC = "public", _("公开")
    NOT_PUBLIC = "not_public", _("不公开")


class LianxiPageManager(PageManager):
    def public(self):
        """Live pages that are marked public: the only ones any public surface may show."""
        return self.live().filter(confidentiality=Confidentiality.PUBLIC)


class LianxiPage(Page):
    """Abstract base of every Lianxi page: confidentiality and a fixed first-publication time."""

    confidentiality = models.CharField(
        _("公开属性"),
        max_length=16,
        choices=Confidentiality.choices,
        default=Confidentiality.PUBLIC,
        help_text=_("“不公开”的内容不能发布,也不会出现在任何对外接口、搜索或订阅中。"),
    )

    objects = LianxiPageManager()

    settings_panels = [FieldPanel("confidentiality"), *Page.settings_panels]

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return self.confidentiality == Confidentiality.PUBLIC

    def save(self, *args, **kwargs):
        # The first publication time is evidence: once recorded it is never
        # rewritten, whatever a form, a revision or a script sets.
        if self.pk:
            stored = (
                Page.objects.filter(pk=self.pk).values_list("first_published_at", flat=True).first()
            )
            if stored is not None:
                self.first_published_at = stored
        if self.live and self.confidentiality != Confidentiality.PUBLIC:
            # Page.live defaults to True for pages built in code: a page marked
            # not public is never live, however it was saved.
            self.live = False
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "live" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "live"]
        return super().save(*args, **kwargs)

    def publish(self, revision, *args, **kwargs):
        # The publish guard: every path (admin, workflow, script) comes here.
        from cms.content.publication import check_publishable

        check_publishable(revision.as_object())
        return super().publish(revision, *args, **kwargs)

    def get_template(self, request, *args, **kwargs):
        # Lianxi is headless: one plain template serves editors' previews.
        return "content/page.html"

    def get_site_profile(self):
        """The site this page belongs to (``cms.sitegroup.tree``)."""
        from cms.sitegroup.tree import site_for_path

        return site_for_path(self.path)


def top_column_slug(page) -> str | None:
    """The slug of the standard column ``page`` is in (or is), e.g. ``"news"``.

    Sites' home pages sit right below the tree root, their standard columns
    (``cms.sitegroup.columns``) right below them.
    """
    depth = len(page.path) // Page.steplen
    if depth < 3:
        return None
    if depth == 3:
        return page.slug
    return (
        Page.objects.filter(path=page.path[: 3 * Page.steplen])
        .values_list("slug", flat=True)
        .first()
    )


class HomePage(LianxiPage):
    """The home page of one congress portal (the root page of its Wagtail Site)."""

    intro = models.TextField(_("简介"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["content.ColumnPage"]

    class Meta:
        verbose_name = _("站点首页")
        verbose_name_plural = _("站点首页")


class ColumnPage(LianxiPage):
    """栏目: a column or channel of a portal, holding content pages or sub-columns."""

    intro = models.TextField(_("栏目说明"), blank=True)
    expected_update_days = models.PositiveIntegerField(
        _("更新周期(天)"),
        null=True,
        blank=True,
        help_text=_("预期多少天内应有更新;用于发现长期不更新的栏目。留空表示不考核。"),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("expected_update_days")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["content.HomePage", "content.ColumnPage", "content.TownshipPage"]
    subpage_types = [
        "content.ColumnPage",
        "content.TownshipPage",
        "content.ArticlePage",
        "content.RegulationPage",
        "content.ReportPage",
        "content.MeetingPage",
    ]

    class Meta:
        verbose_name = _("栏目")
        verbose_name_plural = _("栏目")


class TownshipPage(LianxiPage):
    """乡镇人大: a township congress's pages on its county's site, addressed by its own code."""

    division_code = models.CharField(
        _("乡镇(街道)代码"),
        max_length=9,
        unique=True,
        validators=[township_code_validator],
    )
    intro = models.TextField(_("简介"), blank=True)
    expected_update_days = models.PositiveIntegerField(_("更新周期(天)"), null=True, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("division_code"),
        FieldPanel("intro"),
        FieldPanel("expected_update_days"),
    ]
    parent_page_types = ["content.ColumnPage"]
    subpage_types = ["content.ColumnPage", "content.ArticlePage", "content.MeetingPage"]

    @classmethod
    def can_exist_under(cls, parent):
        """Only in a county's 乡镇人大 column (not under 人大要闻 or any other)."""
        return (
            super().can_exist_under(parent)
            and len(parent.path) == 3 * Page.steplen
            and parent.slug == "townships"
        )

    class Meta:
        verbose_name = _("乡镇人大栏目")
        verbose_name_plural = _("乡镇人大栏目")

    def clean(self):
        super().clean()
        from cms.sitegroup.tree import site_for_path

        parent = self.get_parent() if self.pk else None
        profile = site_for_path(parent.path) if parent is not None else None
        if (
            profile
            and self.division_code
            and not self.division_code.startswith(profile.division_code)
        ):
            raise ValidationError(
                {
                    "division_code": _("乡镇代码应以所属县级代码 %(code)s 开头。")
                    % {"code": profile.division_code}
                }
            )


class ContentPage(LianxiPage):
    """Abstract base of dated content (articles, regulations, reports, meetings)."""

    date = models.DateField(
        _("日期"),
        null=True,
        blank=True,
        help_text=_("成文或发布日期,发布前由自动检查确认已填写。"),
    )
    summary = models.TextField(_("摘要"), blank=True)

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.FilterField("date"),
        index.FilterField("confidentiality"),
    ]

    class Meta:
        abstract = True


class ArticlePage(ContentPage):
    """News and work updates: legislation, supervision, decisions, appointments, office work."""

    source = models.CharField(_("来源"), max_length=128, blank=True)
    author = models.CharField(_("作者"), max_length=128, blank=True)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("封面图片"),
    )
    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)
    original_url = models.URLField(
        _("原文地址"),
        max_length=500,
        blank=True,
        db_index=True,
        help_text=_("从旧网站迁移的文章的原地址,重复导入时据此更新。"),
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("date"), FieldPanel("source"), FieldPanel("author")]),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("附件")),
    ]
    search_fields = [*ContentPage.search_fields, index.SearchField("body")]
    parent_page_types = ["content.ColumnPage", "content.TownshipPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("文章")
        verbose_name_plural = _("文章")


class RegulationStatus(models.TextChoices):
    IN_FORCE = "in_force", _("现行有效")
    AMENDED = "amended", _("已修改")
    REPEALED = "repealed", _("已废止")


class RegulationPage(ContentPage):
    """法规: a regulation as adopted, with its interpretation articles and interviews."""

    document_number = models.CharField(_("文号"), max_length=128, blank=True)
    adopting_body = models.CharField(_("制定机关"), max_length=128)
    adopted_date = models.DateField(_("通过日期"), null=True, blank=True)
    effective_date = models.DateField(_("施行日期"), null=True, blank=True)
    status = models.CharField(
        _("时效性"),
        max_length=16,
        choices=RegulationStatus.choices,
        default=RegulationStatus.IN_FORCE,
    )
    body = StreamField(BodyBlock(), verbose_name=_("全文"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("document_number"),
                FieldPanel("adopting_body"),
                FieldRowPanel([FieldPanel("adopted_date"), FieldPanel("effective_date")]),
                FieldPanel("status"),
                FieldPanel("date"),
            ],
            heading=_("法规信息"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("interpretations", label=_("解读与访谈")),
        InlinePanel("attachments", label=_("附件")),
    ]
    search_fields = [
        *ContentPage.search_fields,
        index.SearchField("document_number"),
        index.SearchField("body"),
        index.FilterField("status"),
    ]
    parent_page_types = ["content.ColumnPage"]
    subpage_types: list[str] = []

    @classmethod
    def can_exist_under(cls, parent):
        """Only in the 法规库 column (and columns inside it)."""
        return super().can_exist_under(parent) and top_column_slug(parent) == "regulations"

    class Meta:
        verbose_name = _("法规")
        verbose_name_plural = _("法规")

    def clean(self):
        super().clean()
        if self.adopted_date and self.effective_date and self.effective_date < self.adopted_date:
            raise ValidationError({"effective_date": _("施行日期不能早于通过日期。")})


class InterpretationKind(models.TextChoices):
    INTERPRETATION = "interpretation", _("解读")
    INTERVIEW = "interview", _("访谈")


class RegulationInterpretation(Orderable):
    """A link from a regulation to an article that interprets it or an interview about it."""

    regulation = ParentalKey(
        RegulationPage, on_delete=models.CASCADE, related_name="interpretations"
    )
    article = models.ForeignKey(
        ArticlePage, on_delete=models.CASCADE, related_name="interpreted_regulations",
        verbose_name=_("文章"),
    )  # fmt: skip
    kind = models.CharField(
        _("类型"), max_length=16, choices=InterpretationKind.choices,
        default=InterpretationKind.INTERPRETATION,
    )  # fmt: skip

    panels = [PageChooserPanel("article", "content.ArticlePage"), FieldPanel("kind")]

    class Meta(Orderable.Meta):
        verbose_name = _("解读与访谈")
        verbose_name_plural = _("解读与访谈")


class MeetingType(models.TextChoices):
    CONGRESS_SESSION = "congress_session", _("人民代表大会会议")
    STANDING_COMMITTEE = "standing_committee", _("常委会会议")
    CHAIRPERSONS = "chairpersons", _("主任会议")
    OTHER = "other", _("其他会议")


class MeetingPage(ContentPage):
    """A session of the congress or its standing committee, with agenda, speeches and media."""

    meeting_type = models.CharField(_("会议类型"), max_length=32, choices=MeetingType.choices)
    term_number = models.PositiveSmallIntegerField(
        _("届次"), null=True, blank=True, help_text=_("第几届")
    )
    session_number = models.PositiveSmallIntegerField(
        _("会次"), null=True, blank=True, help_text=_("第几次会议")
    )
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    location = models.CharField(_("地点"), max_length=255, blank=True)
    agenda = StreamField(AgendaBlock(), verbose_name=_("议程"), blank=True)
    body = StreamField(MeetingBodyBlock(), verbose_name=_("会议内容"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("meeting_type"),
                FieldRowPanel([FieldPanel("term_number"), FieldPanel("session_number")]),
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                FieldPanel("location"),
                FieldPanel("date"),
            ],
            heading=_("会议信息"),
        ),
        FieldPanel("summary"),
        FieldPanel("agenda"),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("会议文件")),
    ]
    search_fields = [
        *ContentPage.search_fields,
        index.SearchField("location"),
        index.SearchField("body"),
        index.FilterField("meeting_type"),
    ]
    parent_page_types = ["content.ColumnPage", "content.TownshipPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})


class ReportType(models.TextChoices):
    SPECIAL_WORK_REPORT = "special_work_report", _("专项工作报告")
    INSPECTION_REPORT = "inspection_report", _("执法检查报告")
    DELIBERATION_OPINIONS = "deliberation_opinions", _("审议意见")
    HANDLING_REPORT = "handling_report", _("审议意见研究处理情况的报告")


class ReportingBody(models.TextChoices):
    GOVERNMENT = "government", _("人民政府")
    SUPERVISORY_COMMISSION = "supervisory_commission", _("监察委员会")
    COURT = "court", _("人民法院")
    PROCURATORATE = "procuratorate", _("人民检察院")
    STANDING_COMMITTEE = "standing_committee", _("人大常委会")


class ReportPage(ContentPage):
    """Supervision reports heard by the standing committee, and the chain that follows them.

    A special work report or inspection report is answered by the committee's
    deliberation opinions, which are answered by the reporting body's handling
    report: each links to the one it responds to (``responds_to``).
    """

    report_type = models.CharField(_("报告类型"), max_length=32, choices=ReportType.choices)
    reporting_body = models.CharField(_("报告机关"), max_length=32, choices=ReportingBody.choices)
    meeting = models.ForeignKey(
        MeetingPage, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports",
        verbose_name=_("审议会议"),
    )  # fmt: skip
    responds_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="responses",
        verbose_name=_("回应的报告"),
        help_text=_("审议意见指向所审议的报告;处理情况报告指向审议意见。"),
    )  # fmt: skip
    body = StreamField(BodyBlock(), verbose_name=_("正文"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("report_type"), FieldPanel("reporting_body")]),
                FieldPanel("date"),
                PageChooserPanel("meeting", "content.MeetingPage"),
                PageChooserPanel("responds_to", "content.ReportPage"),
            ],
            heading=_("报告信息"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("附件")),
    ]
    search_fields = [
        *ContentPage.search_fields,
        index.SearchField("body"),
        index.FilterField("report_type"),
        index.FilterField("reporting_body"),
    ]
    parent_page_types = ["content.ColumnPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("报告")
        verbose_name_plural = _("报告")

    def clean(self):
        super().clean()
        if self.responds_to_id and self.pk and self.responds_to_id == self.pk:
            raise ValidationError({"responds_to": _("报告不能回应自己。")})


class PageAttachment(Orderable):
    """A document attached to any content page (the official PDF/OFD, annexes)."""

    page = ParentalKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.CASCADE, related_name="+", verbose_name=_("文件")
    )
    title = models.CharField(_("显示名称"), max_length=255, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
