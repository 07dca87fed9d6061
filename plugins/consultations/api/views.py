"""The consultations API (``/api/v1/consultations/``).

Public, anonymous and cached:

* ``GET /?site=`` the site's consultations and calls (``include_descendants``:
  the sites below it too; ``status``, ``kind``), never an unpublished one;
* ``GET /<id>/?site=`` one, with its draft's structure and the approved
  comments per article (``version``: an earlier version);
* ``GET /<id>/comments/?site=`` the approved comments' texts, once the window
  has closed (``article``, ``decision`` filter them);
* ``GET /<id>/report/?site=`` the feedback report (意见采纳情况) once published.

Citizens (verified mobile) and deputies, with a bearer token
(``SubmissionViewSet``: throttled, ``Idempotency-Key``, screened and held for
moderation): ``/comments/?site=`` posts a comment and lists mine with their
decisions; ``/proposals/?site=`` the same for a call's topics.
"""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from cms.plugins.api import (
    SITE_PARAMETER,
    ApiProblem,
    LimitOffsetParams,
    PublicReadPermission,
    SiteScopedReadOnlyViewSet,
    SubmissionViewSet,
    not_found,
    problem_responses,
)
from cms.services import sites
from plugins.consultations import report
from plugins.consultations.models import Comment, Consultation, Kind, Proposal, Status

from .serializers import (
    CommentSerializer,
    ConsultationDetailSerializer,
    ConsultationSerializer,
    ProposalSerializer,
    PublicCommentSerializer,
    ReportSerializer,
    may_write,
)

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="重试同一请求时带上相同的键,只生效一次",
)  # fmt: skip
WRITE_PROBLEMS = problem_responses(
    **{"401": "未登录", "403": "未验证手机号", "409": "重复请求正在处理或键已用于其他请求",
       "422": "同一 Idempotency-Key 用于不同的请求", "429": "请求过于频繁"}
)  # fmt: skip


#: The answers that count an open consultation's comments change with every comment: they
#: opt out of the server-side API cache (``cms.api.caching``: a view's own ``no-cache`` is
#: kept and never stored), so a comment need not empty the site's other cached answers.
LIVE_COUNTS = {"Cache-Control": "no-cache"}


def _live(response, rows) -> Response:
    if any(r.status == Status.OPEN for r in rows):
        for name, value in LIVE_COUNTS.items():
            response[name] = value
    return response


class ListParams(LimitOffsetParams):
    include_descendants = serializers.BooleanField(
        required=False, default=False, help_text="true:含下级站点(市、县)的征求意见"
    )
    status = serializers.ChoiceField(choices=Status.choices,
                                     required=False, help_text="scheduled 待开始、open 征求意见中、closed 已结束")  # fmt: skip
    kind = serializers.ChoiceField(choices=Kind.choices, required=False,
                                   help_text="draft 法规草案、call 项目征集")  # fmt: skip


class DetailParams(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, help_text="版本号(默认最新)")


class CommentParams(LimitOffsetParams):
    article = serializers.IntegerField(required=False, min_value=1, help_text="条的 id")
    decision = serializers.IntegerField(required=False, min_value=1, help_text="采纳情况 id")


def _summary(obj: Consultation, codes: dict[int, tuple[str, str]], counts: dict[int, int]) -> dict:
    code, name = codes.get(obj.site_id, ("", ""))
    return {
        "id": obj.pk, "site": code, "site_name": name, "kind": obj.kind, "topic": obj.topic,
        "title": obj.title, "summary": obj.summary, "status": obj.status,
        "opens_on": obj.opens_on, "closes_on": obj.closes_on,
        "comment_count": counts.get(obj.pk, 0),
        "report_published": obj.report_published_at is not None,
    }  # fmt: skip


def _site_codes(site_ids) -> dict[int, tuple[str, str]]:
    from wagtail.models import Site

    rows = Site.objects.filter(pk__in=set(site_ids)).select_related("profile")
    return {s.pk: (s.profile.division_code, s.profile.name) for s in rows if hasattr(s, "profile")}


@extend_schema_view(
    list=extend_schema(summary="征求意见与项目征集(可含下级站点)", parameters=[SITE_PARAMETER],
                       responses={200: ConsultationSerializer(many=True), **problem_responses()}),
    retrieve=extend_schema(summary="征求意见详情:起草说明、附件、草案结构与每条意见数",
                           parameters=[SITE_PARAMETER, DetailParams],
                           responses={200: ConsultationDetailSerializer,
                                      **problem_responses(not_found="站点或征求意见不存在")}),
)  # fmt: skip
class ConsultationViewSet(SiteScopedReadOnlyViewSet):
    queryset = Consultation.objects.exclude(status=Status.DRAFT).order_by("-opens_on", "-pk")
    serializer_class = ConsultationSerializer
    permission_classes = [PublicReadPermission]
    params_class = ListParams
    site_field = None

    def get_queryset(self):
        rows = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return rows
        if self.action == "list":
            ids = [self.site_profile.site_id]
            if self.params.get("include_descendants"):
                ids += [p.site_id for p in sites.descendants(self.site_profile)
                        if sites.code_is_public(p.division_code)]  # fmt: skip
            rows = rows.filter(site_id__in=ids).defer("report_json")
            if self.params.get("status"):
                rows = rows.filter(status=self.params["status"])
            if self.params.get("kind"):
                rows = rows.filter(kind=self.params["kind"])
            return rows
        rows = rows.filter(site_id=self.site_profile.site_id)
        return rows if self.action == "report" else rows.defer("report_json")

    def _counts(self, rows) -> dict[int, int]:
        ids = [r.pk for r in rows]
        comments = Comment.objects.filter(consultation_id__in=ids, moderation_status="approved")
        proposals = Proposal.objects.filter(call_id__in=ids, moderation_status="approved")
        counts = dict(comments.values_list("consultation_id").annotate(n=Count("id")).order_by())
        counts.update(proposals.values_list("call_id").annotate(n=Count("id")).order_by())
        return counts

    def list(self, request, *args, **kwargs):
        self._listed = []
        return _live(super().list(request, *args, **kwargs), self._listed)

    def payloads(self, rows: list) -> list:
        self._listed = rows  # an open consultation's comment_count is live (LIVE_COUNTS)
        codes = _site_codes(r.site_id for r in rows)
        counts = self._counts(rows)
        return [_summary(r, codes, counts) for r in rows]

    def get_object(self):
        try:
            return self.get_queryset().get(pk=int(self.kwargs["pk"]))
        except (Consultation.DoesNotExist, ValueError):
            raise not_found() from None

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        params = DetailParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        versions = list(obj.versions.order_by("number"))
        data = _summary(obj, _site_codes([obj.site_id]), {})
        draft = None
        if obj.kind == Kind.DRAFT and versions:
            wanted = params.validated_data.get("version")
            version = (
                next((v for v in versions if v.number == wanted), None) if wanted else versions[-1]
            )
            if version is None:
                raise not_found()
            draft = report.draft_payload(obj, version)
            data["comment_count"] = draft["comments"]["total"]
        else:
            data["comment_count"] = self._counts([obj]).get(obj.pk, 0)
        data.update(
            explanation=obj.explanation,
            attachments=[{"title": d.title, "url": d.url} for d in obj.attachments.all()],
            versions=[report._version_payload(v) for v in versions],
            draft=draft,
        )
        return _live(Response(data), [obj])

    @extend_schema(operation_id="consultations_public_comments_list",
                   summary="已审核通过的意见内容(征求意见期结束后公开)",
                   parameters=[SITE_PARAMETER, CommentParams],
                   responses={200: PublicCommentSerializer(many=True),
                              **problem_responses(not_found="站点或征求意见不存在",
                                                  **{"409": "征求意见期内不公开意见内容"})})  # fmt: skip
    @action(detail=True, methods=["get"])
    def comments(self, request, *args, **kwargs):
        obj = self.get_object()
        if obj.kind != Kind.DRAFT:
            raise not_found()
        if obj.status != Status.CLOSED:
            raise ApiProblem(409, "consultation-open", "征求意见期内不公开意见内容",
                             "征求意见期结束后公开意见内容;期间只公开每条的意见数。")  # fmt: skip
        params = CommentParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        rows = Comment.objects.filter(consultation=obj, moderation_status="approved")
        if params.validated_data.get("article"):
            rows = rows.filter(article_id=params.validated_data["article"])
        if params.validated_data.get("decision"):
            rows = rows.filter(decision_id=params.validated_data["decision"])
        rows = rows.select_related("article", "provision").order_by("pk")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response([
            {"id": c.pk, "article": c.article.label if c.article else "",
             "provision": (c.article.label + (f"第{c.provision.number}款"
                           if c.provision and c.provision.kind == "paragraph" else ""))
             if c.article else "",
             "as_deputy": c.as_deputy, "text": c.text, "created_at": timezone.localtime(c.created_at).isoformat(),
             "decision": c.decision_id if obj.report_published_at else None}
            for c in page
        ])  # fmt: skip

    @extend_schema(summary="意见采纳情况(反馈报告)", parameters=[SITE_PARAMETER],
                   responses={200: ReportSerializer,
                              **problem_responses(not_found="站点或反馈报告不存在")})  # fmt: skip
    @action(detail=True, methods=["get"])
    def report(self, request, *args, **kwargs):
        obj = self.get_object()
        if obj.report_published_at is None:
            raise not_found()
        data = report.stored_report(obj)
        data["consultation"] = _summary(obj, _site_codes([obj.site_id]), {})
        data["consultation"]["comment_count"] = data["totals"]["total"]
        return Response(data)


def _forbid_unverified(request) -> None:
    if not may_write(request.user):
        raise ApiProblem(403, "forbidden", "无权提交", "请先验证手机号(或以人大代表账号登录)。")


@extend_schema_view(
    list=extend_schema(summary="我的意见及其采纳情况", parameters=[SITE_PARAMETER],
                       responses={200: CommentSerializer(many=True),
                                  **problem_responses(**{"401": "未登录"})}),
    retrieve=extend_schema(summary="我的一条意见", parameters=[SITE_PARAMETER],
                           responses={200: CommentSerializer,
                                      **problem_responses(**{"401": "未登录"})}),
    create=extend_schema(summary="对草案、条或款发表意见", parameters=[SITE_PARAMETER, IDEMPOTENCY],
                         request=CommentSerializer,
                         responses={201: CommentSerializer, **WRITE_PROBLEMS}),
)  # fmt: skip
class CommentViewSet(SubmissionViewSet):
    queryset = Comment.objects.select_related(
        "consultation", "provision__article", "decision__changed_provision__version"
    ).order_by("-created_at", "-pk")
    serializer_class = CommentSerializer
    # affects_public_api stays False (SubmissionViewSet): the answers a comment changes are
    # the open consultations', which are never cached (LIVE_COUNTS).

    def create(self, request, *args, **kwargs):
        _forbid_unverified(request)
        return super().create(request, *args, **kwargs)


@extend_schema_view(
    list=extend_schema(summary="我的项目建议及处理结果", parameters=[SITE_PARAMETER],
                       responses={200: ProposalSerializer(many=True),
                                  **problem_responses(**{"401": "未登录"})}),
    retrieve=extend_schema(summary="我的一个项目建议", parameters=[SITE_PARAMETER],
                           responses={200: ProposalSerializer,
                                      **problem_responses(**{"401": "未登录"})}),
    create=extend_schema(summary="提出立法或监督项目建议", parameters=[SITE_PARAMETER, IDEMPOTENCY],
                         request=ProposalSerializer,
                         responses={201: ProposalSerializer, **WRITE_PROBLEMS}),
)  # fmt: skip
class ProposalViewSet(SubmissionViewSet):
    queryset = Proposal.objects.select_related("call").order_by("-created_at", "-pk")
    serializer_class = ProposalSerializer

    def create(self, request, *args, **kwargs):
        _forbid_unverified(request)
        return super().create(request, *args, **kwargs)
