"""The public API: published suggestions and their replies, anonymous and cached.

``GET /api/v1/suggestions/published/?site=`` lists the site's published
suggestions (newest publication first) with filters; ``.../published/<id>/``
is one of them. Only the office's confirmed public texts are given (the
redacted title, text and reply of ``Publication``), with the lead deputy's and
the confirmed co-signers' names (public in the register); never a deputy's
contact details, the originals, the ratings or the history. An item that is
not published (yet, or any more) is 404.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from cms.plugins.api import (
    LimitOffsetParams,
    PublicReadPermission,
    SiteScopedReadOnlyViewSet,
    not_found,
    problem_responses,
)
from plugins.suggestions.models import (
    Assignment,
    Category,
    CoSigner,
    Kind,
    Period,
    ReplyClass,
    Suggestion,
)

_datetime = serializers.DateTimeField().to_representation
CATEGORY_HELP = "、".join(f"{value} {label}" for value, label in Category.choices)
REPLY_CLASS_HELP = "A 已解决或基本解决、B 正在解决或列入计划解决、C 因条件限制留作参考、D 留作参考"


class PublishedParams(LimitOffsetParams):
    session = serializers.CharField(required=False, max_length=100,
                                    help_text="届次会议,与议案建议的 session 完全一致,如“十七届人大五次会议”")  # fmt: skip
    unit = serializers.IntegerField(required=False, min_value=1,
                                    help_text="承办单位 id(见结果的 units[].id):主办或协办该件的")  # fmt: skip
    category = serializers.ChoiceField(choices=Category.choices, required=False,
                                       help_text=f"分类:{CATEGORY_HELP}")  # fmt: skip
    reply_class = serializers.ChoiceField(choices=ReplyClass.choices, required=False,
                                          help_text=f"答复类别:{REPLY_CLASS_HELP}")  # fmt: skip
    kind = serializers.ChoiceField(choices=Kind.choices, required=False,
                                   help_text="suggestion 建议、motion 议案")  # fmt: skip
    deputy = serializers.CharField(required=False, max_length=50,
                                   help_text="代表姓名:领衔或确认附议的(完全一致)")  # fmt: skip
    date_from = serializers.DateField(required=False, help_text="公开日期不早于(YYYY-MM-DD)")
    date_to = serializers.DateField(required=False, help_text="公开日期不晚于(YYYY-MM-DD)")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError({"date_to": "结束日期不能早于开始日期。"})
        return attrs


class PublicUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="承办单位 id(筛选参数 unit)")
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=Assignment.Role.choices, help_text="lead 主办、co 协办")


class PublicReplySerializer(serializers.Serializer):
    reply_class = serializers.ChoiceField(choices=ReplyClass.choices, allow_blank=True,
                                          help_text=f"答复类别:{REPLY_CLASS_HELP}")  # fmt: skip
    reply_class_label = serializers.CharField(help_text="答复类别的中文名称")
    text = serializers.CharField(help_text="答复内容(已去除联系方式和秘密,经办公室确认)")
    replied_at = serializers.DateTimeField(allow_null=True)


class PublishedSuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="编号(立案编号),未编号为空")
    session = serializers.CharField(help_text="届次会议,未填写为空")
    kind = serializers.ChoiceField(choices=Kind.choices, help_text="suggestion 建议、motion 议案")
    period = serializers.ChoiceField(choices=Period.choices,
                                     help_text="session 大会期间、recess 闭会期间")  # fmt: skip
    title = serializers.CharField(help_text="标题(已去除联系方式和秘密,经办公室确认)")
    text = serializers.CharField(help_text="内容(已去除联系方式和秘密,经办公室确认)")
    category = serializers.CharField(help_text=f"分类(空:未分类):{CATEGORY_HELP}")
    category_label = serializers.CharField()
    deputy = serializers.CharField(help_text="领衔代表姓名")
    cosigners = serializers.ListField(child=serializers.CharField(),
                                      help_text="确认附议的代表姓名")  # fmt: skip
    units = PublicUnitSerializer(many=True, help_text="承办单位(主办在前)")
    reply = PublicReplySerializer()
    published_at = serializers.DateTimeField()


def public_payload(obj: Suggestion) -> dict:
    public = obj.publication
    units = [a for a in obj.assignments.all() if a.returned_at is None]
    units.sort(key=lambda a: (a.role != Assignment.Role.LEAD, a.pk))
    return {
        "id": obj.pk, "number": obj.number, "session": obj.session, "kind": obj.kind,
        "period": obj.period, "title": public.title, "text": public.text,
        "category": obj.category,
        "category_label": Category(obj.category).label if obj.category else "",
        "deputy": obj.deputy_name,
        "cosigners": [c.name for c in obj.cosigners.all()],
        "units": [{"id": a.unit_id, "name": a.unit.name, "role": a.role} for a in units],
        "reply": {
            "reply_class": public.reply_class,
            "reply_class_label": ReplyClass(public.reply_class).label if public.reply_class else "",
            "text": public.reply_text,
            "replied_at": _datetime(public.replied_at) if public.replied_at else None,
        },
        "published_at": _datetime(public.published_at),
    }  # fmt: skip


PROBLEMS = problem_responses(not_found="站点不存在、未启用议案建议,或该件未公开")


@extend_schema_view(
    list=extend_schema(
        operation_id="suggestions_published_list",
        summary="公开的议案建议及答复",
        description=(
            "本站点已公开的议案建议及其答复,按公开时间倒序。标题、内容和答复是办公室确认的公开文本"
            "(已去除电话、身份证号、邮箱、门牌号等联系方式和秘密),不含代表的联系方式、评价和办理记录。"
            "可按届次会议、承办单位、分类、答复类别、类别、代表姓名和公开日期筛选。"
        ),
        parameters=[PublishedParams],
        responses={200: PublishedSuggestionSerializer, **PROBLEMS},
    ),
    retrieve=extend_schema(
        operation_id="suggestions_published_retrieve",
        summary="公开的议案建议及答复详情",
        description="未公开(尚未公开或已撤销公开)的议案建议为 404。",
        responses={200: PublishedSuggestionSerializer, **PROBLEMS},
    ),
)
class PublishedSuggestionViewSet(SiteScopedReadOnlyViewSet):
    """The site's published suggestions with the confirmed public texts, for anyone."""

    permission_classes = [PublicReadPermission]
    serializer_class = PublishedSuggestionSerializer
    queryset = (
        Suggestion.objects.filter(publication__published_at__isnull=False,
                                  moderation_status="approved")
        .select_related("publication")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("unit")),
            Prefetch("cosigners", queryset=CoSigner.objects.filter(confirmed_at__isnull=False)),
        )
        .order_by("-publication__published_at", "-pk")
    )  # fmt: skip

    @property
    def params_class(self):
        return PublishedParams if self.action == "list" else None

    def get_queryset(self):
        rows = super().get_queryset()
        if self.action != "list" or getattr(self, "swagger_fake_view", False):
            return rows
        p = self.params
        for name in ("session", "category", "kind"):
            if p.get(name):
                rows = rows.filter(**{name: p[name]})
        if p.get("reply_class"):
            rows = rows.filter(publication__reply_class=p["reply_class"])
        if p.get("unit"):
            rows = rows.filter(
                pk__in=Assignment.objects.filter(unit_id=p["unit"], returned_at__isnull=True)
                .values("suggestion_id")
            )  # fmt: skip
        if p.get("deputy"):
            name = p["deputy"].strip()
            cosigned = CoSigner.objects.filter(name=name, confirmed_at__isnull=False)
            rows = rows.filter(Q(deputy_name=name) | Q(pk__in=cosigned.values("suggestion_id")))
        tz = timezone.get_current_timezone()
        if p.get("date_from"):
            start = dt.datetime.combine(p["date_from"], dt.time.min, tzinfo=tz)
            rows = rows.filter(publication__published_at__gte=start)
        if p.get("date_to"):
            end = dt.datetime.combine(p["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
            rows = rows.filter(publication__published_at__lt=end)
        return rows

    def get_object(self):
        try:
            return self.get_queryset().get(pk=int(self.kwargs["pk"]))
        except (Suggestion.DoesNotExist, ValueError):
            raise not_found() from None

    def payloads(self, rows: list) -> list:
        return [public_payload(r) for r in rows]

    def payload(self, obj) -> dict:
        return public_payload(obj)
