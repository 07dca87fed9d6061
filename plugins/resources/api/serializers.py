"""Payloads of the resources API (the serializers document them; the views build them)."""

from __future__ import annotations

from rest_framework import serializers

from plugins.resources.models import Issuer, Kind

_datetime = serializers.DateTimeField().to_representation


class ResourceCategorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    site = serializers.CharField(help_text="所属站点的行政区划代码")


class ResourceFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="文件名")
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="原文件字节数(PDF 加水印后略大)")
    watermarked = serializers.BooleanField(help_text="true:PDF,下载时每页加阅读人姓名和时间的水印")
    url = serializers.CharField(help_text="下载地址(带同一令牌请求)")


class ResourceSiteSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="发布站点的行政区划代码(详情、下载时的 site 参数)")
    name = serializers.CharField()


class ResourceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    kind_label = serializers.CharField(help_text="类型的中文名")
    category = ResourceCategorySerializer(allow_null=True)
    issuer = serializers.ChoiceField(choices=Issuer.choices)
    issuer_label = serializers.CharField(help_text="发文机关类别的中文名")
    issuing_body = serializers.CharField(help_text="发文机关全称,可为空")
    number = serializers.CharField(help_text="文号,可为空")
    summary = serializers.CharField()
    issued_on = serializers.DateField(allow_null=True, help_text="成文日期")
    published_at = serializers.DateTimeField()
    expires_on = serializers.DateField(allow_null=True, help_text="有效期至(过后不再提供)")
    site = ResourceSiteSerializer()
    read = serializers.BooleanField(help_text="本人是否已读")
    read_at = serializers.DateTimeField(allow_null=True, help_text="本人首次阅读时间")
    file_count = serializers.IntegerField()


class ResourceDetailSerializer(ResourceSerializer):
    body = serializers.CharField(help_text="正文(纯文本)")
    files = ResourceFileSerializer(many=True)


def category_payload(category) -> dict:
    profile = getattr(category.site, "profile", None)
    return {"id": category.pk, "name": category.name,
            "site": profile.division_code if profile else ""}  # fmt: skip


def resource_payload(resource, files=None, request=None) -> dict:
    profile = resource.site.profile
    category = resource.category
    payload = {
        "id": resource.pk,
        "title": resource.title,
        "kind": resource.kind,
        "kind_label": str(resource.get_kind_display()),
        "category": None
        if category is None
        else {"id": category.pk, "name": category.name, "site": profile.division_code},
        "issuer": resource.issuer,
        "issuer_label": str(resource.get_issuer_display()),
        "issuing_body": resource.issuing_body,
        "number": resource.number,
        "summary": resource.summary,
        "issued_on": resource.issued_on.isoformat() if resource.issued_on else None,
        "published_at": _datetime(resource.published_at),
        "expires_on": resource.expires_on.isoformat() if resource.expires_on else None,
        "site": {"code": profile.division_code, "name": profile.name},
        "read": bool(getattr(resource, "is_read", False)),
        "read_at": _datetime(resource.read_at) if getattr(resource, "read_at", None) else None,
        "file_count": getattr(resource, "file_count", 0),
    }
    if files is not None:
        payload["body"] = resource.body
        payload["files"] = [
            {
                "id": f.pk,
                "title": f.title,
                "content_type": f.upload.content_type,
                "size": f.upload.size,
                "watermarked": f.is_pdf,
                "url": f"/api/v1/resources/{resource.pk}/files/{f.pk}/?site={profile.division_code}",
            }
            for f in files
        ]
    return payload
