"""Query-parameter validation and the response shapes of the content API.

The response serializers describe the payloads for the OpenAPI document
(drf-spectacular); the views build the same dictionaries directly, in bulk,
because per-object serializer fields cost queries a list cannot afford.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .conventions import (
    ImageSerializer,
    LimitOffsetParams,
    ThumbnailSerializer,
    envelope_serializer,
)
from .scope import PAGE_TYPES

#: ``ordering`` keys and the annotated columns they sort on.
ORDERINGS = {
    "date": "sort_date",
    "title": "title",
    "first_published_at": "first_published_at",
    "last_published_at": "last_published_at",
    "id": "id",
}
DEFAULT_ORDERING = ["-date", "-id"]
#: Fields a list item may carry (``fields=``); ``id`` and ``type`` always come.
LIST_FIELDS = (
    "id", "type", "title", "slug", "path", "url", "api_url", "date", "summary", "cover",
    "first_published_at", "last_published_at",
)  # fmt: skip
ALWAYS_FIELDS = ("id", "type")
#: Fields a list item carries only when ``fields=`` names them (not in the default set):
#: ``thumbnail``, the cover as one small rendition, for lists that show no larger picture.
OPT_IN_FIELDS = ("thumbnail",)


def _comma_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


class PageListParams(LimitOffsetParams):
    """Query parameters of ``GET /api/v1/pages/``."""

    type = serializers.CharField(
        required=False,
        help_text="页面类型,可用逗号分隔多个:"
        + ", ".join(PAGE_TYPES)
        + "。默认 article,regulation,report,meeting。",
    )
    column = serializers.IntegerField(
        required=False, min_value=1, help_text="栏目 id:只列其直接下级"
    )
    descendant_of = serializers.IntegerField(
        required=False, min_value=1, help_text="页面 id:列出其下任意层级的页面"
    )
    date_after = serializers.DateField(required=False, help_text="日期不早于(YYYY-MM-DD)")
    date_before = serializers.DateField(required=False, help_text="日期不晚于(YYYY-MM-DD)")
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="标题包含的文字"
    )
    ordering = serializers.CharField(
        required=False,
        help_text="排序,逗号分隔,前缀 - 为倒序;可用:"
        + ", ".join(ORDERINGS)
        + "。默认 -date,-id;总以 id 作最后的排序依据。",
    )
    fields = serializers.CharField(
        required=False,
        help_text="只返回这些字段(逗号分隔):"
        + ", ".join(LIST_FIELDS)
        + "。默认全部;另可选 thumbnail(封面的一个小图,不在默认字段中)。",
    )

    def validate_type(self, value):
        types = _comma_list(value)
        unknown = [t for t in types if t not in PAGE_TYPES]
        if unknown or not types:
            raise serializers.ValidationError(
                _("未知的页面类型:%(types)s。可用:%(known)s。")
                % {"types": ", ".join(unknown) or value, "known": ", ".join(PAGE_TYPES)},
                code="unknown",
            )
        return types

    def validate_ordering(self, value):
        keys = _comma_list(value)
        unknown = [k for k in keys if k.lstrip("-") not in ORDERINGS]
        if unknown or not keys:
            raise serializers.ValidationError(
                _("不支持的排序:%(keys)s。可用:%(known)s。")
                % {"keys": ", ".join(unknown) or value, "known": ", ".join(ORDERINGS)},
                code="unknown",
            )
        return keys

    def validate_fields(self, value):
        fields = _comma_list(value)
        known = LIST_FIELDS + OPT_IN_FIELDS
        unknown = [f for f in fields if f not in known]
        if unknown or not fields:
            raise serializers.ValidationError(
                _("未知的字段:%(fields)s。可用:%(known)s。")
                % {"fields": ", ".join(unknown) or value, "known": ", ".join(known)},
                code="unknown",
            )
        return fields

    def validate(self, attrs):
        attrs = super().validate(attrs)
        after, before = attrs.get("date_after"), attrs.get("date_before")
        if after and before and after > before:
            raise serializers.ValidationError(
                {"date_before": _("date_before 不能早于 date_after。")}, code="invalid"
            )
        return attrs


class FindPageParams(serializers.Serializer):
    path = serializers.CharField(
        max_length=1000, help_text="页面相对站点首页的路径,如 /news/news-001/"
    )


# --- response shapes -------------------------------------------------------------


class DocumentSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.URLField()
    size = serializers.IntegerField(allow_null=True, help_text="字节数")
    content_type = serializers.CharField(allow_null=True)
    extension = serializers.CharField(allow_null=True, help_text="如 pdf、ofd、docx")


class PageLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    type = serializers.ChoiceField(choices=list(PAGE_TYPES))
    url = serializers.URLField(help_text="页面的公开网址")
    api_url = serializers.CharField(help_text="本接口中该页面的地址")


class BlockSerializer(serializers.Serializer):
    """One StreamField block; ``value`` depends on ``type`` (see docs/api.md)."""

    type = serializers.CharField()
    value = serializers.JSONField()
    id = serializers.CharField(allow_null=True)


class AttachmentSerializer(serializers.Serializer):
    title = serializers.CharField()
    document = DocumentSerializer()


class PageListItemSerializer(serializers.Serializer):
    """A page in a list; every field but ``id`` and ``type`` can be left out with ``fields=``."""

    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=list(PAGE_TYPES))
    title = serializers.CharField(required=False)
    slug = serializers.CharField(required=False)
    path = serializers.CharField(required=False, help_text="相对站点首页的路径,如 /news/news-001/")
    url = serializers.URLField(required=False)
    api_url = serializers.CharField(required=False)
    date = serializers.DateField(required=False, allow_null=True)
    summary = serializers.CharField(required=False)
    cover = ImageSerializer(required=False, allow_null=True)
    first_published_at = serializers.DateTimeField(required=False, allow_null=True)
    last_published_at = serializers.DateTimeField(required=False, allow_null=True)
    thumbnail = ThumbnailSerializer(
        required=False,
        allow_null=True,
        help_text="封面的小图(max-320x320),仅当 fields 中列出时返回",
    )


PageListSerializer = envelope_serializer("PageListSerializer", PageListItemSerializer(many=True))


class PageDetailSerializer(serializers.Serializer):
    """Fields every page detail has."""

    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=list(PAGE_TYPES))
    title = serializers.CharField()
    slug = serializers.CharField()
    path = serializers.CharField()
    url = serializers.URLField()
    api_url = serializers.CharField()
    seo_title = serializers.CharField()
    search_description = serializers.CharField()
    first_published_at = serializers.DateTimeField(allow_null=True)
    last_published_at = serializers.DateTimeField(allow_null=True)
    parent = PageLinkSerializer(allow_null=True, help_text="上级栏目(站点首页之下)")


class ContainerDetailSerializer(PageDetailSerializer):
    intro = serializers.CharField()
    expected_update_days = serializers.IntegerField(allow_null=True)


class HomeDetailSerializer(PageDetailSerializer):
    intro = serializers.CharField()


class TownshipDetailSerializer(ContainerDetailSerializer):
    division_code = serializers.CharField()


class ContentDetailSerializer(PageDetailSerializer):
    date = serializers.DateField(allow_null=True)
    summary = serializers.CharField()
    body = BlockSerializer(many=True)
    attachments = AttachmentSerializer(many=True)


class ArticleDetailSerializer(ContentDetailSerializer):
    source = serializers.CharField()
    author = serializers.CharField()
    cover = ImageSerializer(allow_null=True)


class InterpretationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["interpretation", "interview"])
    page = PageLinkSerializer()


class RegulationDetailSerializer(ContentDetailSerializer):
    document_number = serializers.CharField()
    adopting_body = serializers.CharField()
    adopted_date = serializers.DateField(allow_null=True)
    effective_date = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=["in_force", "amended", "repealed"])
    interpretations = InterpretationSerializer(many=True)


class ReportDetailSerializer(ContentDetailSerializer):
    report_type = serializers.CharField()
    reporting_body = serializers.CharField()
    meeting = PageLinkSerializer(allow_null=True)
    responds_to = PageLinkSerializer(allow_null=True)
    responses = PageLinkSerializer(many=True)


class MeetingDetailSerializer(ContentDetailSerializer):
    meeting_type = serializers.CharField()
    term_number = serializers.IntegerField(allow_null=True)
    session_number = serializers.IntegerField(allow_null=True)
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    location = serializers.CharField()
    agenda = BlockSerializer(many=True)
    reports = PageLinkSerializer(many=True)


class ColumnDetailSerializer(ContainerDetailSerializer):
    pass


def _type_tag(name: str) -> serializers.CharField:
    """``type`` with its one value, so each ``PageDetail`` variant matches only its pages.

    With the shared seven-value enum a column's payload validated against
    several ``oneOf`` variants, which plain JSON Schema validators and code
    generators reject.
    """

    @extend_schema_field({"type": "string", "enum": [name]})
    class TypeTag(serializers.CharField):
        pass

    return TypeTag()


DETAIL_SERIALIZERS = {
    name: type(base.__name__, (base,), {"type": _type_tag(name), "__module__": __name__})
    for name, base in {
        "home": HomeDetailSerializer,
        "column": ColumnDetailSerializer,
        "township": TownshipDetailSerializer,
        "article": ArticleDetailSerializer,
        "regulation": RegulationDetailSerializer,
        "report": ReportDetailSerializer,
        "meeting": MeetingDetailSerializer,
    }.items()
}
