"""The deputies' API (mini-programs, bearer tokens): my resources on a site.

``GET /api/v1/resources/?site=`` lists the published, unexpired resources whose
audience includes the caller, unread first, with filters (``kind``,
``category``, ``issuer``, ``q``; ``scope=ancestors`` adds the sites above);
``GET .../<id>/`` is one of them and records the first read;
``GET .../<id>/files/<file_id>/`` downloads a file: a PDF with the caller's
watermark (name and time on every page), another file as it is; every download
is logged. ``GET .../categories/`` lists the categories the caller has items in.

Anything outside the caller's audience (another site's staff, a deputy of
another level, a former deputy, an anonymous caller, a crafted id, a withdrawn
or expired item) is the API's one 404, the same as a missing id. Answers are
never cached (``private, no-store``).
"""

from __future__ import annotations

from urllib.parse import quote

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated
from rest_framework.response import Response

from cms.plugins.api import (
    SITE_PARAMETER,
    ApiProblem,
    LimitOffsetParams,
    SiteScopedMixin,
    WholeListPagination,
    not_found,
    problem_responses,
)
from plugins.resources import service, watermark
from plugins.resources.models import Category, Issuer, Kind, Receipt, Resource

from .serializers import (
    ResourceCategorySerializer,
    ResourceDetailSerializer,
    ResourceSerializer,
    category_payload,
    resource_payload,
)

NO_STORE = "private, no-store"
MAX_WORDS = 8


class ReaderPermission(permissions.AllowAny):
    """Checked by the views: a list needs a login, an item answers 404 to outsiders."""


class ResourceParams(LimitOffsetParams):
    kind = serializers.ChoiceField(choices=Kind.choices, required=False,
                                   help_text="document 文件、reference 参考资料、work_info 工作信息、research 调研报告")  # fmt: skip
    category = serializers.IntegerField(required=False, min_value=1,
                                        help_text="分类 id(见 /api/v1/resources/categories/)")  # fmt: skip
    issuer = serializers.ChoiceField(choices=Issuer.choices, required=False,
                                     help_text="发文机关:congress 人大、government 政府、supervisory 监委、court 法院、procuratorate 检察院、other 其他")  # fmt: skip
    q = serializers.CharField(required=False, max_length=100, trim_whitespace=True,
                              help_text="检索词,以空格分隔,须全部出现在标题、文号、发文机关、摘要或正文中")  # fmt: skip
    unread = serializers.BooleanField(required=False, default=None, allow_null=True,
                                      help_text="true:只看未读;false:只看已读")  # fmt: skip
    scope = serializers.ChoiceField(choices=[("site", "本站点"), ("ancestors", "本站点及上级站点")],
                                    default="site",
                                    help_text="site:本站点发布的;ancestors:本站点及各上级站点发布的")  # fmt: skip

    def validate_q(self, value: str) -> str:
        if len(value.split()) > MAX_WORDS:
            raise serializers.ValidationError(f"检索词不能超过 {MAX_WORDS} 个。")
        return value


class ScopeParams(serializers.Serializer):
    scope = serializers.ChoiceField(choices=[("site", "本站点"), ("ancestors", "本站点及上级站点")],
                                    default="site", help_text="同材料列表的 scope")  # fmt: skip


FILE_PROBLEMS = problem_responses(not_found="站点、材料或文件不存在(或不在发送范围内)")


class _Reader(SiteScopedMixin):
    site_field = None
    permission_classes = [ReaderPermission]
    #: Reading changes no public answer (cms.api.caching keeps the site's cached answers).
    affects_public_api = False

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = NO_STORE
        return response

    def _visible(self, scope: str = "site"):
        return service.visible_to(self.request.user, service.sites_for(self.site_profile, scope))


@extend_schema_view(
    list=extend_schema(summary="我的知情知政材料(未读在前)", parameters=[SITE_PARAMETER],
                       responses={200: ResourceSerializer(many=True),
                                  **problem_responses(**{"401": "未登录"})}),
    retrieve=extend_schema(summary="材料详情(记录首次阅读)", parameters=[SITE_PARAMETER],
                           responses={200: ResourceDetailSerializer,
                                      **problem_responses(not_found="站点或材料不存在(或不在发送范围内)")}),
)  # fmt: skip
class ResourceViewSet(_Reader, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):  # fmt: skip
    """The resources whose audience includes the caller, on the site of ``?site=``."""

    queryset = Resource.objects.none()
    serializer_class = ResourceSerializer
    params_class = ResourceParams

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Resource.objects.none()
        user = self.request.user
        params = self.params if self.action == "list" else {}
        rows = self._visible(params.get("scope", "site"))
        mine = Receipt.objects.filter(resource=OuterRef("pk"), user_id=user.pk).order_by()
        rows = rows.annotate(
            is_read=Exists(mine.filter(first_read_at__isnull=False)),
            read_at=Subquery(mine.values("first_read_at")[:1]),
            file_count=Count("files", distinct=True),
        ).select_related("category", "site__profile")
        if self.action != "list":
            return rows
        if params.get("kind"):
            rows = rows.filter(kind=params["kind"])
        if params.get("category"):
            rows = rows.filter(category_id=params["category"])
        if params.get("issuer"):
            rows = rows.filter(issuer=params["issuer"])
        if params.get("unread") is not None:
            rows = rows.filter(is_read=not params["unread"])
        for word in (params.get("q") or "").split():
            rows = rows.filter(
                Q(title__icontains=word) | Q(number__icontains=word)
                | Q(issuing_body__icontains=word) | Q(summary__icontains=word)
                | Q(body__icontains=word)
            )  # fmt: skip
        return rows.order_by("is_read", "-published_at", "-pk")

    def list(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise NotAuthenticated("请先登录。")
        return super().list(request, *args, **kwargs)

    def get_object(self):
        if not self.request.user.is_authenticated:
            raise not_found()
        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError):
            raise not_found() from None
        found = self.get_queryset().filter(pk=pk).first()
        if found is None:
            raise not_found()
        return found

    def payloads(self, rows: list) -> list:
        return [resource_payload(r) for r in rows]

    def retrieve(self, request, *args, **kwargs):
        resource = self.get_object()
        receipt = service.mark_read(resource, request.user)
        resource.is_read, resource.read_at = True, receipt.first_read_at
        files = list(resource.files.select_related("upload").order_by("order", "pk"))
        return Response(resource_payload(resource, files=files, request=request))

    @extend_schema(
        summary="下载附件(PDF 加本人水印)", parameters=[SITE_PARAMETER],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF 每页加有阅读人姓名和时间的水印;其他文件原样"),
                   (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
                   **FILE_PROBLEMS},
    )  # fmt: skip
    @action(detail=True, methods=["get"], url_path=r"files/(?P<file_id>\d+)", url_name="file")
    def file(self, request, *args, **kwargs):
        resource = self.get_object()
        found = (
            resource.files.select_related("upload", "resource")
            .filter(pk=int(kwargs["file_id"]))
            .first()
        )
        if found is None:
            raise not_found()
        try:
            data, marked = service.file_content(found, request.user)
        except watermark.WatermarkError as error:
            raise ApiProblem(409, "watermark-failed", "文件暂时无法提供", str(error)) from None
        response = HttpResponse(data, content_type=found.upload.content_type)
        name = found.title if found.title.lower().endswith(found.upload.extension) else (
            f"{found.title}{found.upload.extension}"
        )  # fmt: skip
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        response["X-Content-Type-Options"] = "nosniff"
        response["X-Watermarked"] = "true" if marked else "false"
        return response


@extend_schema_view(
    list=extend_schema(summary="我有材料的分类", parameters=[SITE_PARAMETER],
                       responses={200: ResourceCategorySerializer(many=True),
                                  **problem_responses(**{"401": "未登录"})}),
)  # fmt: skip
class CategoryViewSet(_Reader, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The site's categories that hold at least one resource the caller may see."""

    queryset = Category.objects.none()
    serializer_class = ResourceCategorySerializer
    params_class = ScopeParams
    pagination_class = WholeListPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Category.objects.none()
        used = self._visible(self.params["scope"]).filter(category__isnull=False)
        return Category.objects.filter(pk__in=used.values("category_id")).order_by(
            "site_id", "order", "name", "pk"
        )

    def list(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise NotAuthenticated("请先登录。")
        rows = list(self.get_queryset())
        return Response({"count": len(rows), "results": [category_payload(c) for c in rows]})
