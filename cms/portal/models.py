"""``PortalSettings``: what a mini-program needs to draw a site's micro-portal.

One row per Wagtail ``Site`` (``BaseSiteSetting``), created on first read.
Navigation left empty means "the home page's child columns shown in menus, in
menu order", so a new site has a working portal without configuration.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.images.blocks import ImageChooserBlock

from cms.services.sensitive import PublicTextMixin

DEFAULT_THEME_COLOR = "#C8161D"  # 人大红

theme_color_validator = RegexValidator(
    r"^#[0-9A-Fa-f]{6}$", _("颜色应为 #RRGGBB 形式的十六进制值,如 #C8161D。")
)


class BannerBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("图片"))
    title = blocks.CharBlock(label=_("标题"), max_length=200)
    page = blocks.PageChooserBlock(label=_("链接页面"), required=False)
    url = blocks.URLBlock(label=_("外部链接"), required=False)

    class Meta:
        icon = "image"
        label = _("轮播图")


class NavigationItemBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(
        label=_("栏目"), page_type=["content.ColumnPage", "content.TownshipPage"]
    )
    title = blocks.CharBlock(label=_("显示名称"), required=False, max_length=64,
                             help_text=_("留空则使用栏目名称。"))  # fmt: skip

    class Meta:
        icon = "list-ul"
        label = _("导航栏目")


@register_setting(icon="mobile-alt")
class PortalSettings(PublicTextMixin, BaseSiteSetting):
    """A site's micro-portal: theme colour, contact details, banners and navigation."""

    #: Shown by the micro-portal: they pass the site's sensitive-word check.
    public_text_fields = ("contact_address", "banners", "navigation")

    theme_color = models.CharField(
        _("主题色"), max_length=7, default=DEFAULT_THEME_COLOR, validators=[theme_color_validator]
    )
    contact_phone = models.CharField(_("联系电话"), max_length=64, blank=True)
    contact_address = models.CharField(_("联系地址"), max_length=255, blank=True)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    banners = StreamField([("banner", BannerBlock())], verbose_name=_("轮播图"), blank=True)
    navigation = StreamField(
        [("item", NavigationItemBlock())],
        verbose_name=_("导航"),
        blank=True,
        help_text=_("留空则按菜单顺序显示首页下“在菜单中显示”的栏目。"),
    )

    panels = [
        FieldPanel("theme_color"),
        MultiFieldPanel(
            [
                FieldPanel("contact_phone"),
                FieldPanel("contact_address"),
                FieldPanel("contact_email"),
            ],
            heading=_("联系方式"),
        ),  # fmt: skip
        FieldPanel("banners"),
        FieldPanel("navigation"),
    ]

    class Meta:
        verbose_name = _("微门户")
        verbose_name_plural = _("微门户")
