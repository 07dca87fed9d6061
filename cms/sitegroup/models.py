"""Site group data: what Wagtail's ``Site`` lacks to be a congress portal.

A ``SiteProfile`` gives each Wagtail ``Site`` its congress level, its
administrative division code (GB/T 2260), its parent in the site group and
its display names, plus the collection and staff groups created with it.
Township congresses have no portal of their own; they are
``content.TownshipPage`` columns on their county's site.

Records a site owns subclass ``SiteOwnedModel`` and are read through
``for_site()`` / ``for_user()``, so no query forgets the site.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.models import Collection, Site


class Level(models.TextChoices):
    """Congress levels that own a portal (townships are columns, not sites)."""

    PROVINCE = "province", _("省级")
    MUNICIPAL = "municipal", _("设区的市级")
    COUNTY = "county", _("县级")


# The level a site's parent must have.
PARENT_LEVEL = {Level.MUNICIPAL: Level.PROVINCE, Level.COUNTY: Level.MUNICIPAL}

division_code_validator = RegexValidator(
    r"^[1-9]\d{5}$", _("行政区划代码应为6位数字(GB/T 2260),如 340100。")
)
township_code_validator = RegexValidator(
    r"^[1-9]\d{8}$", _("乡镇(街道)代码应为9位数字,如 340123100。")
)


def level_for_code(code: str) -> Level:
    """The level a six-digit GB/T 2260 code implies: 340000, 340100, 340123."""
    if code[2:] == "0000":
        return Level.PROVINCE
    if code[4:] == "00":
        return Level.MUNICIPAL
    return Level.COUNTY


class SiteProfileQuerySet(models.QuerySet):
    def for_user(self, user) -> SiteProfileQuerySet:
        """Sites whose pages the user may manage (``cms.sitegroup.access`` decides)."""
        from .access import site_access

        access = site_access(user)
        return self if access.is_superuser else self.filter(site_id__in=access.site_ids)

    def descendants_of(
        self, profile: SiteProfile, include_self: bool = True
    ) -> SiteProfileQuerySet:
        codes = [p.division_code for p in profile.get_descendants(include_self=include_self)]
        return self.filter(division_code__in=codes)


class SiteProfile(models.Model):
    """A standing committee's portal in the site group (one per Wagtail Site)."""

    site = models.OneToOneField(
        Site, on_delete=models.CASCADE, related_name="profile", verbose_name=_("站点")
    )
    division_code = models.CharField(
        _("行政区划代码"),
        max_length=6,
        unique=True,
        validators=[division_code_validator],
        help_text=_("GB/T 2260 六位代码,API 与导入以此寻址站点。"),
    )
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级站点"),
    )
    region_name = models.CharField(_("行政区名称"), max_length=64, help_text=_("如:合肥市"))
    name = models.CharField(_("站点名称"), max_length=128, help_text=_("如:合肥市人大常委会"))
    short_name = models.CharField(_("简称"), max_length=32, blank=True, help_text=_("如:合肥"))
    english_name = models.CharField(_("英文名称"), max_length=128, blank=True)
    collection = models.OneToOneField(
        Collection,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="site_profile",
        verbose_name=_("图片与文档集合"),
    )
    editors_group = models.OneToOneField(
        Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("编辑组"),
    )  # fmt: skip
    first_reviewers_group = models.OneToOneField(
        Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("初审组"),
    )  # fmt: skip
    final_reviewers_group = models.OneToOneField(
        Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("终审组"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = SiteProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("站点档案")
        verbose_name_plural = _("站点档案")
        ordering = ["division_code"]
        permissions = [("manage_site_group", _("管理整个网站群(新建任一站点)"))]

    def __str__(self) -> str:
        return f"{self.name}({self.division_code})"

    def clean(self) -> None:
        errors = {}
        if self.division_code and not self.level:
            self.level = level_for_code(self.division_code)
        expected_parent = PARENT_LEVEL.get(self.level)
        if self.level == Level.PROVINCE and self.parent_id:
            errors["parent"] = _("省级站点没有上级站点。")
        elif expected_parent and not self.parent_id:
            errors["parent"] = _("该层级站点必须有上级站点。")
        elif expected_parent and self.parent and self.parent.level != expected_parent:
            errors["parent"] = _("上级站点的层级应为“%(level)s”。") % {
                "level": Level(expected_parent).label
            }
        if (
            self.parent_id
            and self.division_code
            and self.parent
            and self.level == Level.MUNICIPAL
            and self.division_code[:2] != self.parent.division_code[:2]
        ):
            errors["division_code"] = _("市级代码的前两位应与省级代码一致。")
        if (
            self.parent_id
            and self.division_code
            and self.parent
            and self.level == Level.COUNTY
            and self.division_code[:4] != self.parent.division_code[:4]
        ):
            errors["division_code"] = _("县级代码的前四位应与所属市的代码一致。")
        if errors:
            raise ValidationError(errors)

    @property
    def root_page(self):
        return self.site.root_page

    def get_ancestors(self, include_self: bool = False) -> list[SiteProfile]:
        """The sites above this one (``cms.sitegroup.tree.ancestors``)."""
        from .tree import ancestors

        return ancestors(self, include_self)

    def get_descendants(self, include_self: bool = False) -> list[SiteProfile]:
        """Every site below this one (``cms.sitegroup.tree.descendants``)."""
        from .tree import descendants

        return descendants(self, include_self)

    @cached_property
    def groups(self) -> list[Group]:
        return [
            g
            for g in (self.editors_group, self.first_reviewers_group, self.final_reviewers_group)
            if g is not None
        ]


class SiteOwnedQuerySet(models.QuerySet):
    """Queries over records that belong to one site of the group."""

    def for_site(self, site: Site | SiteProfile | int):
        if isinstance(site, SiteProfile):
            site = site.site_id
        return self.filter(site=site)

    def for_user(self, user):
        """Records the user holds (``cms.sitegroup.access``); superusers see all."""
        from .access import site_access

        access = site_access(user)
        return self if access.is_superuser else self.filter(access.records_q(self.model))

    def for_sites(self, site_ids):
        """Records of these sites (a plugin's switched-on sites, say). Models whose
        records also belong to other sites (a deputy seated elsewhere) override it."""
        return self.filter(site_id__in=site_ids)


class SiteOwnedModel(models.Model):
    """Abstract base for any record a site owns (core or plugin).

    ``township_field``: the lookup from a row to the division code of the
    township (乡镇人大) it belongs to, e.g. ``"congress__division_code"``; a
    township's staff hold the rows of their county's site whose code is theirs
    (``cms.sitegroup.access``). Leave it ``None`` for records no township holds.
    ``label_related``: relations the row's ``__str__`` reads, fetched with the
    choices of an admin form that offers the rows (no query per option).
    """

    township_field: str | None = None
    label_related: tuple[str, ...] = ()

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("所属站点")
    )

    objects = SiteOwnedQuerySet.as_manager()

    class Meta:
        abstract = True
