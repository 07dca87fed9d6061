"""Deputies, shaped after the Popolo specification (https://www.popoloproject.com/).

* ``Person``: one real person, whatever congresses they sit in. Public
  profile fields, and three private fields (ID number, mobile, address)
  stored encrypted (``privacy.py``) that no API, export, search document or
  log ever carries. The ID number's keyed digest identifies a person across
  imports and congresses.
* ``Congress`` (a Popolo organization, classification "legislature") of one
  level and division code, hosted by one site of the group: the province site
  hosts the provincial congress and the national deputies elected in the
  province; a county site hosts its county congress and its townships'.
* ``Term`` (届), and per term its ``Delegation`` (代表团), ``DeputyGroup``
  (代表小组) and ``Constituency`` (选区 / 选举单位).
* ``Membership``: a person's seat in one congress for one term, with how they
  were elected and when and why it ended.
* ``Post`` (a position in the standing committee or a special committee) and
  ``PostHolding`` (who held it, when).
* ``LiaisonStation`` (代表联络站 / 活动室) with its ``Reception`` schedule.
* ``PerformanceEntry`` (履职档案): one thing a deputy did in a term; other
  plugins add entries through ``cms.services.performance``.

Every record carries the ``site`` of the congress it belongs to (records
derived from a congress copy it on save), so the site isolation rules of the
core apply unchanged.
"""

from __future__ import annotations

import datetime
import functools

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cms.plugins import api, site_access
from cms.plugins.db import SiteOwnedModel, SiteOwnedQuerySet
from cms.services import performance


@functools.lru_cache(maxsize=64)
def _labels_in(choices: type[models.Choices], language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def choice_labels(choices: type[models.Choices]) -> dict[str, str]:
    """Value → label of ``choices`` as plain strings in the active language, built once.

    For loops over many rows (exports, search documents): ``get_FOO_display()``
    hashes every lazy label on each call, which cost more than everything else
    in indexing 120,000 seats.
    """
    return _labels_in(choices, get_language())


#: The API's level vocabulary (national, province, municipal, county, township), top first.
Level = api.Level
LEVEL_ORDER = api.LEVEL_ORDER

#: Directly elected levels (the Electoral Law): county and township deputies.
DIRECT_LEVELS = (Level.COUNTY, Level.TOWNSHIP)

division_code_validator = RegexValidator(
    r"^(\d{6}|\d{9})$", _("行政区划代码应为 6 位（县级及以上）或 9 位（乡镇）数字。")
)


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Party(models.TextChoices):
    CPC = "cpc", _("中国共产党")
    RCCK = "rcck", _("中国国民党革命委员会")
    CDL = "cdl", _("中国民主同盟")
    CDNCA = "cdnca", _("中国民主建国会")
    CAPD = "capd", _("中国民主促进会")
    CPWDP = "cpwdp", _("中国农工民主党")
    CZGD = "czgd", _("中国致公党")
    JS = "js", _("九三学社")
    TDSGL = "tdsgl", _("台湾民主自治同盟")
    INDEPENDENT = "independent", _("无党派人士")
    NONE = "none", _("群众")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("研究生")
    UNIVERSITY = "university", _("大学本科")
    COLLEGE = "college", _("大学专科")
    SECONDARY = "secondary", _("中专或高中")
    JUNIOR = "junior", _("初中及以下")


class OccupationCategory(models.TextChoices):
    """The categories the congresses publish the composition of deputies by."""

    WORKER = "worker", _("一线工人")
    FARMER = "farmer", _("农民")
    PROFESSIONAL = "professional", _("专业技术人员")
    OFFICIAL = "official", _("党政领导干部")
    ENTERPRISE = "enterprise", _("企业负责人")
    MILITARY = "military", _("解放军和武警")
    OTHER = "other", _("其他")


class Election(models.TextChoices):
    DIRECT = "direct", _("直接选举")
    INDIRECT = "indirect", _("间接选举")


class EndReason(models.TextChoices):
    TERM_ENDED = "term_ended", _("任期届满")
    RESIGNED = "resigned", _("辞职")
    RECALLED = "recalled", _("罢免")
    REMOVED = "removed", _("终止代表资格")
    DECEASED = "deceased", _("去世")
    MOVED_AWAY = "moved_away", _("迁出或调离本行政区域")


class Congress(SiteOwnedModel):
    """The people's congress of one level and division (a Popolo organization)."""

    township_field = "division_code"

    public_text_fields = ("name",)

    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices)
    division_code = models.CharField(
        _("行政区划代码"),
        max_length=9,
        unique=True,
        validators=[division_code_validator],
        help_text=_("全国人大代表按选出的省填写 100000。"),
    )
    founding_date = models.DateField(_("成立日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("人民代表大会")
        verbose_name_plural = _("人民代表大会")
        ordering = ["division_code"]

    def __str__(self) -> str:
        return self.name

    def current_term(self) -> Term | None:
        today = timezone.localdate()
        return (
            self.terms.filter(start_date__lte=today)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            .order_by("-number")
            .first()
        )


CHINESE_NUMERALS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 14 → 十四, 20 → 二十 (terms never reach 100)."""
    if n < 10:
        return CHINESE_NUMERALS[n]
    tens, ones = divmod(n, 10)
    return (
        (CHINESE_NUMERALS[tens] if tens > 1 else "")
        + "十"
        + (CHINESE_NUMERALS[ones] if ones else "")
    )


class Term(SiteOwnedModel):
    """A term (届) of a congress, e.g. the 14th Provincial People's Congress."""

    township_field = "congress__division_code"
    label_related = ("congress",)

    congress = models.ForeignKey(
        Congress, on_delete=models.CASCADE, related_name="terms", verbose_name=_("人民代表大会")
    )
    number = models.PositiveSmallIntegerField(_("届次"), validators=[MinValueValidator(1)])
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("届次")
        verbose_name_plural = _("届次")
        ordering = ["congress", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "number"], name="deputies_term_unique")
        ]

    @property
    def ordinal(self) -> str:
        return f"第{chinese_number(self.number)}届"

    def __str__(self) -> str:
        return f"{self.congress.name}{self.ordinal}"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})

    def save(self, *args, **kwargs):
        self.site_id = self.congress.site_id
        super().save(*args, **kwargs)


class TermPartModel(SiteOwnedModel):
    """A named part of one term (delegation, deputy group, constituency)."""

    township_field = "term__congress__division_code"
    label_related = ("term__congress",)

    public_text_fields = ("name",)

    term = models.ForeignKey(Term, on_delete=models.CASCADE, verbose_name=_("届次"))
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        abstract = True
        ordering = ["term", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.site_id = self.term.site_id
        super().save(*args, **kwargs)


class Delegation(TermPartModel):
    """代表团: the deputies one lower-level division sends, e.g. 肥西县代表团."""

    class Meta(TermPartModel.Meta):
        verbose_name = _("代表团")
        verbose_name_plural = _("代表团")
        constraints = [
            models.UniqueConstraint(fields=["term", "name"], name="deputies_delegation_unique")
        ]


class DeputyGroup(TermPartModel):
    """代表小组: the deputies who work together between sessions."""

    station = models.ForeignKey(
        "LiaisonStation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputy_groups",
        verbose_name=_("活动的联络站"),
    )

    class Meta(TermPartModel.Meta):
        verbose_name = _("代表小组")
        verbose_name_plural = _("代表小组")
        constraints = [
            models.UniqueConstraint(fields=["term", "name"], name="deputies_deputygroup_unique")
        ]


class Constituency(TermPartModel):
    """选区 (direct elections) or 选举单位 (indirect: the electing congress or unit)."""

    public_text_fields = ("name", "area")

    class Kind(models.TextChoices):
        DISTRICT = "district", _("选区")
        UNIT = "unit", _("选举单位")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.DISTRICT)
    code = models.CharField(_("编号"), max_length=30, blank=True)
    area = models.CharField(_("包含区域"), max_length=300, blank=True)

    class Meta(TermPartModel.Meta):
        verbose_name = _("选区")
        verbose_name_plural = _("选区")
        constraints = [
            models.UniqueConstraint(fields=["term", "name"], name="deputies_constituency_unique")
        ]


class PersonQuerySet(SiteOwnedQuerySet):
    def for_user(self, user):
        """The people the user's sites registered, or who sit in their sites' congresses."""
        if site_access(user).is_superuser:
            return self
        own = super().for_user(user).values("pk")
        seated = Membership.objects.for_user(user).values("person_id")
        return self.filter(Q(pk__in=own) | Q(pk__in=seated))

    def for_sites(self, site_ids):
        """People registered by, or seated in a congress of, these sites."""
        seated = Membership.objects.filter(site_id__in=site_ids).values("person_id")
        return self.filter(Q(site_id__in=site_ids) | Q(pk__in=seated))


class Person(SiteOwnedModel):
    """A deputy as a person; ``site`` is the office that registered them.

    The office of any congress the person sits in may manage them too (see
    ``Person.objects.for_user``).
    """

    #: What the API, the exports and search show of a person (private fields are never shown).
    public_text_fields = ("name", "occupation", "title", "biography")

    # --- public profile ---------------------------------------------------
    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(
        _("姓名拼音"), max_length=200, blank=True, editable=False, db_index=True
    )
    name_initials = models.CharField(
        _("拼音首字母"), max_length=50, blank=True, editable=False, db_index=True
    )
    #: Every reading of the name (heteronyms), full and initials, space separated.
    pinyin_keys = models.CharField(max_length=500, blank=True, editable=False)
    gender = models.CharField(_("性别"), max_length=6, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(
        _("出生年月"), null=True, blank=True, help_text=_("只公开年月，日固定为 1 日。")
    )
    party = models.CharField(_("政治面貌"), max_length=12, choices=Party.choices, blank=True)
    education = models.CharField(_("学历"), max_length=12, choices=Education.choices, blank=True)
    occupation = models.CharField(_("工作单位及职务"), max_length=200, blank=True)
    occupation_category = models.CharField(
        _("职业构成类别"), max_length=12, choices=OccupationCategory.choices, blank=True
    )
    title = models.CharField(_("职称"), max_length=100, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("照片"),
    )
    biography = models.TextField(_("简介"), blank=True)

    # --- private: encrypted, never public -----------------------------------
    id_number_encrypted = models.TextField(editable=False, blank=True)
    #: Keyed digest of the normalised ID number: finds the person again on
    #: re-import and across congresses without decrypting anything.
    id_number_digest = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    mobile_encrypted = models.TextField(editable=False, blank=True)
    address_encrypted = models.TextField(editable=False, blank=True)

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("代表")
        verbose_name_plural = _("代表")
        ordering = ["name_pinyin", "pk"]

    def __str__(self) -> str:
        return self.name

    # Private fields: plaintext in, ciphertext stored; see privacy.py.
    @property
    def id_number(self) -> str:
        from . import privacy

        return privacy.decrypt(self.id_number_encrypted)

    @id_number.setter
    def id_number(self, value: str) -> None:
        from . import privacy

        value = privacy.normalise_id_number(value)
        self.id_number_encrypted = privacy.encrypt(value)
        self.id_number_digest = privacy.digest(value) if value else None

    @property
    def id_number_masked(self) -> str:
        from . import privacy

        return privacy.mask_id_number(self.id_number)

    @property
    def mobile(self) -> str:
        from . import privacy

        return privacy.decrypt(self.mobile_encrypted)

    @mobile.setter
    def mobile(self, value: str) -> None:
        from . import privacy

        self.mobile_encrypted = privacy.encrypt((value or "").strip())

    @property
    def address(self) -> str:
        from . import privacy

        return privacy.decrypt(self.address_encrypted)

    @address.setter
    def address(self, value: str) -> None:
        from . import privacy

        self.address_encrypted = privacy.encrypt((value or "").strip())

    def refresh_pinyin(self) -> None:
        from .pinyin import name_keys

        self.name_pinyin, self.name_initials, self.pinyin_keys = name_keys(self.name)

    def save(self, *args, **kwargs):
        self.refresh_pinyin()
        if self.birth_date:
            self.birth_date = self.birth_date.replace(day=1)
        super().save(*args, **kwargs)


class Membership(SiteOwnedModel):
    """A person's seat in one congress for one term (a Popolo membership)."""

    township_field = "congress__division_code"
    label_related = ("person", "term__congress")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("代表")
    )
    congress = models.ForeignKey(
        Congress,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("人民代表大会"),
    )
    term = models.ForeignKey(
        Term, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("届次")
    )
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("代表团"),
    )
    deputy_group = models.ForeignKey(
        DeputyGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("代表小组"),
    )
    constituency = models.ForeignKey(
        Constituency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("选区或选举单位"),
    )
    election = models.CharField(_("选举方式"), max_length=10, choices=Election.choices)
    start_date = models.DateField(_("当选日期"))
    end_date = models.DateField(_("终止日期"), null=True, blank=True)
    end_reason = models.CharField(
        _("终止原因"), max_length=12, choices=EndReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("代表资格")
        verbose_name_plural = _("代表资格")
        ordering = ["term__congress__division_code", "-term__number", "person__name_pinyin"]
        constraints = [
            models.UniqueConstraint(fields=["person", "term"], name="deputies_membership_unique"),
        ]
        indexes = [models.Index(fields=["term", "end_date"])]

    def __str__(self) -> str:
        return f"{self.person}（{self.term}）"

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        if self.end_date and self.end_date < today:
            return False
        return not (self.term.end_date and self.term.end_date < today)

    def clean(self):
        errors = {}
        if self.term_id and self.congress_id and self.term.congress_id != self.congress_id:
            errors["term"] = _("届次不属于该人民代表大会。")
        for field in ("delegation", "deputy_group", "constituency"):
            part = getattr(self, field)
            if part is not None and self.term_id and part.term_id != self.term_id:
                errors[field] = _("不属于该届次。")
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("终止日期不能早于当选日期。")
        if self.end_reason and not self.end_date:
            errors["end_date"] = _("填写终止原因时须填写终止日期。")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.congress_id = self.term.congress_id
        self.site_id = self.term.site_id
        super().save(*args, **kwargs)


class Post(SiteOwnedModel):
    """A position in a congress's standing committee or a special committee."""

    township_field = "term__congress__division_code"
    label_related = ("term__congress",)

    public_text_fields = ("body",)

    class Role(models.TextChoices):
        CHAIR = "chair", _("主任")
        VICE_CHAIR = "vice_chair", _("副主任")
        SECRETARY_GENERAL = "secretary_general", _("秘书长")
        MEMBER = "member", _("委员")

    STANDING_COMMITTEE = "常务委员会"

    term = models.ForeignKey(
        Term, on_delete=models.CASCADE, related_name="posts", verbose_name=_("届次")
    )
    body = models.CharField(
        _("机构"),
        max_length=60,
        default=STANDING_COMMITTEE,
        help_text=_("常务委员会，或专门委员会的名称，如“法制委员会”。"),
    )
    role = models.CharField(_("职务"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("职务")
        verbose_name_plural = _("职务")
        ordering = ["term", "body", "role"]
        constraints = [
            models.UniqueConstraint(fields=["term", "body", "role"], name="deputies_post_unique")
        ]

    @property
    def label(self) -> str:
        return f"{self.body}{choice_labels(self.Role).get(self.role, self.role)}"

    def __str__(self) -> str:
        return f"{self.term.congress.name}{self.label}"

    def save(self, *args, **kwargs):
        self.site_id = self.term.site_id
        super().save(*args, **kwargs)


class PostHolding(SiteOwnedModel):
    """Who held a post, from when to when (a Popolo membership with a post)."""

    township_field = "post__term__congress__division_code"

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="post_holdings", verbose_name=_("代表")
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="holdings", verbose_name=_("职务")
    )
    start_date = models.DateField(_("任职日期"))
    end_date = models.DateField(_("离任日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        ordering = ["post", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "post", "start_date"], name="deputies_postholding_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.post.label}"

    def save(self, *args, **kwargs):
        self.site_id = self.post.site_id
        super().save(*args, **kwargs)


WEEKDAYS = [(1, _("周一")), (2, _("周二")), (3, _("周三")), (4, _("周四")),
            (5, _("周五")), (6, _("周六")), (7, _("周日"))]  # fmt: skip


class LiaisonStation(SiteOwnedModel):
    """代表联络站 or 代表活动室: where deputies receive their constituents."""

    township_field = "congress__division_code"

    public_text_fields = ("name", "address", "opening_hours", "description")

    class Kind(models.TextChoices):
        STATION = "station", _("代表联络站")
        ROOM = "room", _("代表活动室")
        HOME = "home", _("代表之家")

    congress = models.ForeignKey(
        Congress,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stations",
        verbose_name=_("所属人民代表大会"),
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.STATION)
    division_code = models.CharField(
        _("所在区划代码"), max_length=9, blank=True, validators=[division_code_validator]
    )
    address = models.CharField(_("地址"), max_length=200)
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    opening_hours = models.CharField(
        _("开放时间"), max_length=100, blank=True, help_text=_("如：工作日 9:00-12:00，14:30-17:30")
    )
    #: ISO weekdays (1 = Monday) of the regular reception day; dates that are
    #: not working days (cms.services.workdays) are skipped.
    reception_weekdays = models.JSONField(_("固定接待日"), default=list, blank=True)
    description = models.TextField(_("简介"), blank=True)
    deputies = models.ManyToManyField(
        Person, blank=True, related_name="stations", verbose_name=_("进站代表")
    )
    is_public = models.BooleanField(_("对外公开"), default=True)

    class Meta:
        verbose_name = _("联络站")
        verbose_name_plural = _("联络站")
        ordering = ["division_code", "name"]

    def __str__(self) -> str:
        return self.name

    def reception_days(self, start: datetime.date, days: int, calendar) -> list[datetime.date]:
        """The regular reception days among the ``days`` days from ``start`` (inclusive):
        a day of ``reception_weekdays`` that is a working day on ``calendar``
        (``cms.services.workdays.Calendar``; holidays skipped, make-up days kept)."""
        wanted = set(self.reception_weekdays or [])
        dates = (start + datetime.timedelta(days=offset) for offset in range(days))
        return [d for d in dates if d.isoweekday() in wanted and calendar.is_working_day(d)]

    def clean(self):
        days = self.reception_weekdays or []
        if not isinstance(days, list) or any(d not in range(1, 8) for d in days):
            raise ValidationError(
                {"reception_weekdays": _("接待日应为 1（周一）到 7（周日）的列表。")}
            )
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": _("经纬度须同时填写。")})


class Reception(SiteOwnedModel):
    """A scheduled reception day at a station: who receives, when."""

    township_field = "station__congress__division_code"

    public_text_fields = ("topic",)

    station = models.ForeignKey(
        LiaisonStation,
        on_delete=models.CASCADE,
        related_name="receptions",
        verbose_name=_("联络站"),
    )
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("开始时间"), default=datetime.time(9, 0))
    end_time = models.TimeField(_("结束时间"), default=datetime.time(11, 30))
    topic = models.CharField(_("主题"), max_length=200, blank=True)
    deputies = models.ManyToManyField(
        Person, blank=True, related_name="receptions", verbose_name=_("接待代表")
    )

    class Meta:
        verbose_name = _("接待安排")
        verbose_name_plural = _("接待安排")
        ordering = ["date", "start_time"]

    def __str__(self) -> str:
        return f"{self.station} {self.date:%Y-%m-%d}"

    def clean(self):
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("结束时间应晚于开始时间。")})

    def save(self, *args, **kwargs):
        self.site_id = self.station.site_id
        super().save(*args, **kwargs)


#: What a performance record entry counts: the kinds of ``cms.services.performance``.
PerformanceKind = performance.PerformanceKind


class PerformanceEntry(SiteOwnedModel):
    """One entry of a deputy's performance record (履职档案) in one term."""

    township_field = "membership__congress__division_code"

    public_text_fields = ("title",)

    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="performance",
        verbose_name=_("代表资格"),
    )
    kind = models.CharField(_("类别"), max_length=12, choices=PerformanceKind.choices)
    date = models.DateField(_("日期"))
    title = models.CharField(_("事项"), max_length=200)
    #: Sessions: 1 attended, 0 absent; training: hours; otherwise 1.
    quantity = models.DecimalField(_("数量"), max_digits=7, decimal_places=1, default=1)
    #: Who wrote the entry: "deputies" for staff, or the plugin label that did.
    source = models.CharField(_("来源"), max_length=50, default="deputies")
    #: The source's own id, so it can update or remove its entry again.
    source_ref = models.CharField(_("来源编号"), max_length=100, blank=True)
    url = models.CharField(_("公开链接"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("履职记录")
        verbose_name_plural = _("履职记录")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_ref"],
                condition=~Q(source_ref=""),
                name="deputies_performance_source_unique",
            )
        ]
        indexes = [models.Index(fields=["membership", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    def save(self, *args, **kwargs):
        self.site_id = self.membership.site_id
        super().save(*args, **kwargs)
