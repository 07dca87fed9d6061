"""``/api/v1/feedback/?site=``: 找错, the core's own user write, and ``/api/v1/uploads/``.

They show the write conventions every plugin follows (docs/plugins.md, "Writes"):

* the site in ``?site=`` (a township's nine-digit code too), problem+json
  errors with field messages;
* throttled per account (``user_write``) or per address (``anon_write``), in
  the shared cache;
* ``Idempotency-Key`` honoured (:class:`~cms.api.idempotency.IdempotentMixin`);
* user text screened: a sensitive word holds it for moderation
  (``cms.services.moderation``), never published and never dropped;
* attachments checked and cleaned (``cms.services.uploads``), private;
* the author reads their own submissions and their states; nobody else's.
"""

from __future__ import annotations

from django.db import transaction
from django.http import FileResponse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import permissions, serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.services import moderation, uploads

from .conventions import (
    ApiProblem,
    LimitOffsetParams,
    ProblemSerializer,
    list_envelope,
    not_found,
)
from .idempotency import IdempotentMixin
from .scope import resolve_scope
from .submissions import NO_STORE, AttachmentsField, status_of

SITE_PARAM = OpenApiParameter(
    "site", str, required=True, description="站点的行政区划代码(乡镇 9 位)"
)
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="重试同一次提交时带上同一个键(8–100 个字符),只会创建一条记录",
)  # fmt: skip
PROBLEMS = {
    (400, "application/problem+json"): OpenApiResponse(ProblemSerializer, description="参数有误"),
    (404, "application/problem+json"): OpenApiResponse(ProblemSerializer, description="站点不存在"),
    (409, "application/problem+json"): OpenApiResponse(
        ProblemSerializer, description="相同请求正在处理"
    ),
    (422, "application/problem+json"): OpenApiResponse(
        ProblemSerializer, description="幂等键已用于另一请求"
    ),
    (429, "application/problem+json"): OpenApiResponse(
        ProblemSerializer, description="请求过于频繁"
    ),
}


class FeedbackInput(serializers.Serializer):
    page = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1,
                                    help_text="出错页面的编号(可选)")  # fmt: skip
    category = serializers.ChoiceField(
        ["typo", "link", "content", "other"], help_text="错别字、链接失效、内容有误、其他"
    )
    description = serializers.CharField(max_length=2000, help_text="问题描述")
    attachments = AttachmentsField()


#: A report's state as its author sees it (OpenAPI: FeedbackStatusEnum).
FEEDBACK_STATUS_CHOICES = [
    ("pending", "待审核"), ("rejected", "已退回"), ("new", "待处理"), ("handled", "已处理"),
]  # fmt: skip

FEEDBACK_FIELDS = {
    "id": serializers.IntegerField(),
    "page": serializers.IntegerField(allow_null=True),
    "category": serializers.CharField(),
    "description": serializers.CharField(),
    "status": serializers.ChoiceField(
        FEEDBACK_STATUS_CHOICES,
        help_text="pending 待审核(含敏感词,审核前不公开)、rejected 已退回(见 reason)、new 待处理、handled 已处理",
    ),
    "reason": serializers.CharField(help_text="退回理由"),
    "answer": serializers.CharField(help_text="工作人员的答复"),
    "attachments": serializers.ListField(child=serializers.CharField()),
    "created_at": serializers.DateTimeField(),
}


def feedback_payload(item, attachments=None) -> dict:
    """A report as its author sees it (``attachments``: its uploads, when known)."""
    status = status_of(item)
    if attachments is None:
        attachments = item.attachments.all()
    return {
        "id": item.pk,
        "page": item.page_id,
        "category": item.category,
        "description": item.description,
        "status": status,
        "reason": item.moderation_reason,
        "answer": item.answer if item.state == "handled" else "",
        "attachments": [u.token for u in attachments],
        "created_at": item.created_at.isoformat(),
    }


class FeedbackView(IdempotentMixin, APIView):
    """Report an error on a site's page (anyone); list my own reports (logged in)."""

    #: No public answer changes (cms.api.caching keeps the site's cached answers).
    affects_public_api = False

    def get_permissions(self):
        if self.request is not None and self.request.method == "GET":
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

    @extend_schema(
        operation_id="feedback_create", parameters=[SITE_PARAM, IDEMPOTENCY], request=FeedbackInput,
        responses={201: inline_serializer("Feedback", FEEDBACK_FIELDS), **PROBLEMS},
    )  # fmt: skip
    def post(self, request):
        from cms.feedback.models import Feedback

        scope = resolve_scope(request.query_params.get("site"))
        data = FeedbackInput(
            data=request.data, context={"request": request, "site_id": scope.site.pk}
        )
        data.is_valid(raise_exception=True)
        values = data.validated_data
        page = None
        if values.get("page"):
            page = scope.pages().filter(pk=values["page"]).first()
            if page is None:
                raise ApiProblem(400, "invalid-parameters", "请求参数有误", "页面不存在或不属于本站点。",
                                 errors=[{"field": "page", "code": "not_found", "detail": "页面不存在或不属于本站点。"}])  # fmt: skip
        files = values.get("attachments") or []
        mine = request.user if request.user.is_authenticated else None
        with transaction.atomic(savepoint=False):
            item = Feedback.objects.create(
                site=scope.site, page=page, category=values["category"],
                description=values["description"], author=mine,
            )  # fmt: skip
            if files:
                item.attachments.set(files)
            moderation.submit(item, site=scope.site, author=mine)
        return Response(feedback_payload(item, files), status=201, headers=NO_STORE)

    @extend_schema(
        operation_id="feedback_mine", parameters=[SITE_PARAM, LimitOffsetParams],
        responses={200: inline_serializer("FeedbackList", {
            "count": serializers.IntegerField(), "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": inline_serializer("FeedbackItem", FEEDBACK_FIELDS, many=True)}),
            (401, "application/problem+json"): OpenApiResponse(ProblemSerializer),
            (400, "application/problem+json"): PROBLEMS[(400, "application/problem+json")],
            (404, "application/problem+json"): PROBLEMS[(404, "application/problem+json")]},
    )  # fmt: skip
    def get(self, request):
        """My reports on this site, newest first, with their states (needs a login)."""
        from cms.feedback.models import Feedback

        scope = resolve_scope(request.query_params.get("site"))
        params = LimitOffsetParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        limit, offset = params.validated_data["limit"], params.validated_data["offset"]
        rows = Feedback.objects.filter(site=scope.site, author=request.user).prefetch_related(
            "attachments"
        )
        results = [feedback_payload(f) for f in rows[offset : offset + limit]]
        return Response(
            list_envelope(request, offset, limit, rows.count(), results), headers=NO_STORE
        )


class UploadInput(serializers.Serializer):
    file = serializers.FileField(
        help_text="JPEG、PNG、WebP、GIF 图片或 PDF;图片会去除 EXIF 与位置信息"
    )


UPLOAD_FIELDS = {
    "id": serializers.CharField(help_text="附件编号,提交时放在 attachments 中"),
    "name": serializers.CharField(),
    "content_type": serializers.CharField(),
    "size": serializers.IntegerField(),
}


class UploadView(APIView):
    """Upload an attachment for a later submission (private until it is published)."""

    #: No public answer changes (cms.api.caching keeps the site's cached answers).
    affects_public_api = False

    permission_classes = [permissions.AllowAny]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(operation_id="uploads_create", parameters=[SITE_PARAM], request={"multipart/form-data": UploadInput},
                   responses={201: inline_serializer("Upload", UPLOAD_FIELDS), **PROBLEMS})  # fmt: skip
    def post(self, request):
        scope = resolve_scope(request.query_params.get("site"))
        data = UploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            upload = uploads.store(data.validated_data["file"], site=scope.site, owner=request.user)
        except uploads.UploadError as exc:
            raise ApiProblem(400, "invalid-upload", "附件不符合要求", str(exc),
                             errors=[{"field": "file", "code": "invalid", "detail": str(exc)}]) from None  # fmt: skip
        return Response({"id": upload.token, "name": upload.name, "content_type": upload.content_type,
                         "size": upload.size}, status=201, headers=NO_STORE)  # fmt: skip


class UploadFileView(APIView):
    """An attachment's file: public ones for anyone, others as ``uploads.may_read`` says."""

    permission_classes = [permissions.AllowAny]

    def finalize_response(self, request, response, *args, **kwargs):
        # "Not found" here means "not yours": never stored for the next anonymous caller.
        if response.status_code >= 400:
            response["Cache-Control"] = "private, no-store"
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(operation_id="uploads_retrieve", responses={(200, "application/octet-stream"): bytes,
                   (404, "application/problem+json"): OpenApiResponse(ProblemSerializer)})  # fmt: skip
    def get(self, request, token: str):
        from cms.moderation.models import Upload

        upload = Upload.objects.filter(token=token).first()
        if upload is None or not uploads.may_read(request, upload):
            raise not_found()
        response = FileResponse(upload.file.open("rb"), content_type=upload.content_type)
        response["Cache-Control"] = (
            "public, max-age=86400" if upload.public else "private, no-store"
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Disposition"] = f'inline; filename="{upload.token}{upload.extension}"'
        return response
