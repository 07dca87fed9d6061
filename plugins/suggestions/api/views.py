"""The deputies' API (mini-programs, bearer-token accounts): my suggestions on a site.

``POST /api/v1/suggestions/?site=`` writes a draft or submits it (the write
idiom of ``cms.plugins.api.SubmissionViewSet``: throttled, idempotent,
screened and held for moderation); only a deputy with a current seat on the
site may. The list and detail give the suggestions the account leads or was
invited to co-sign, with state, clock, units, reply, ratings and history.
The moves: ``submit``, ``withdraw``, ``cosign`` (confirm), ``rate``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from cms.plugins.api import (
    SITE_PARAMETER,
    ApiProblem,
    LimitOffsetParams,
    SiteScopedMixin,
    SubmissionViewSet,
    not_found,
    problem_responses,
)
from cms.services import deadlines
from plugins.suggestions import workflow
from plugins.suggestions.models import State, Suggestion

from .serializers import (
    DeputySuggestionSerializer,
    SuggestionMoveSerializer,
    SuggestionRateSerializer,
    SuggestionWithdrawSerializer,
)

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="重试同一请求时带上相同的键,只生效一次",
)  # fmt: skip


class StateParams(LimitOffsetParams):
    state = serializers.ChoiceField(choices=State.choices, required=False,
                                    help_text="按状态筛选")  # fmt: skip


def _refused(error: DjangoValidationError) -> ApiProblem:
    return ApiProblem(409, "suggestion-state", "当前状态不允许此操作", "".join(error.messages))


def _forbidden(detail: str) -> ApiProblem:
    return ApiProblem(403, "forbidden", "无权操作", detail)


WRITE_PROBLEMS = problem_responses(
    **{"401": "未登录", "403": "不是本级人大的在任代表", "409": "重复请求正在处理或键已用于其他请求",
       "422": "同一 Idempotency-Key 用于不同的请求", "429": "请求过于频繁"}
)  # fmt: skip
MOVE_PROBLEMS = problem_responses(
    not_found="站点或议案建议不存在",
    **{"401": "未登录", "403": "无权操作", "409": "当前状态不允许此操作", "429": "请求过于频繁"},
)  # fmt: skip

EDIT_PROBLEMS = problem_responses(
    not_found="站点或议案建议不存在",
    bad_request="字段有误(errors 逐项说明)",
    **{"401": "未登录", "403": "不是领衔代表",
       "409": "已不是草稿", "429": "请求过于频繁"},
)  # fmt: skip


@extend_schema_view(
    list=extend_schema(summary="我的议案建议", parameters=[SITE_PARAMETER],
                       responses={200: DeputySuggestionSerializer(many=True),
                                  **problem_responses(**{"401": "未登录"})}),
    retrieve=extend_schema(summary="议案建议详情(状态、期限、承办单位、答复、评价、办理记录)",
                           parameters=[SITE_PARAMETER],
                           responses={200: DeputySuggestionSerializer,
                                      **problem_responses(**{"401": "未登录"})}),
    create=extend_schema(summary="提出议案建议(草稿或直接提交)",
                         parameters=[SITE_PARAMETER, IDEMPOTENCY],
                         request=DeputySuggestionSerializer,
                         responses={201: DeputySuggestionSerializer, **WRITE_PROBLEMS}),
)  # fmt: skip
class SuggestionViewSet(SubmissionViewSet):
    """The suggestions the account leads or co-signs on the site named by ``?site=``."""

    queryset = Suggestion.objects.prefetch_related(
        "attachments", "reply_attachments", "cosigners", "assignments__unit", "ratings", "history"
    ).order_by("-created_at", "-pk")
    serializer_class = DeputySuggestionSerializer
    params_class = StateParams

    def get_queryset(self):
        # The site's rows (not the idiom's author-only filter), then mine: led or co-signed.
        rows = SiteScopedMixin.get_queryset(self)
        if getattr(self, "swagger_fake_view", False):
            return rows
        user = self.request.user
        mine = Q(author_id=user.pk)
        ref = workflow.deputy_ref(user)
        if ref:
            mine |= Q(cosigners__deputy_ref=ref)
        rows = rows.filter(mine).distinct()
        if self.action == "list" and self.params.get("state"):
            rows = rows.filter(state=self.params["state"], moderation_status="approved")
        return rows

    def get_object(self):
        try:
            return self.get_queryset().get(pk=int(self.kwargs["pk"]))
        except (Suggestion.DoesNotExist, ValueError):
            raise not_found() from None

    def _context(self, rows):
        context = self.get_serializer_context()
        ids = [str(r.pk) for r in rows]
        clocks = {}
        if ids:
            from django.contrib.contenttypes.models import ContentType

            found = deadlines.Deadline.objects.filter(
                content_type=ContentType.objects.get_for_model(Suggestion), object_id__in=ids,
                rule__in=(workflow.REPLY_RULE, workflow.REHANDLING_RULE),
            ).order_by("started_at", "pk")  # fmt: skip
            for clock in found:  # the newest wins
                clocks[int(clock.object_id)] = clock
        context["clocks"] = clocks
        return context

    def payloads(self, rows: list) -> list:
        return DeputySuggestionSerializer(rows, many=True, context=self._context(rows)).data

    def payload(self, obj) -> dict:
        obj = self.get_queryset().get(pk=obj.pk)  # fresh, with its prefetches
        return DeputySuggestionSerializer(obj, context=self._context([obj])).data

    def create(self, request, *args, **kwargs):
        if not workflow.current_seat_codes(request.user, self.site_profile.site_id):
            raise _forbidden("只有本级人大的在任代表可以提出议案建议。")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(self.payload(serializer.instance), status=201)

    def perform_create(self, serializer):
        user = self.request.user
        ref = workflow.deputy_ref(user)
        account = getattr(user, "account", None)
        name = getattr(account, "display_name", "") or user.get_username()
        try:
            with transaction.atomic():
                serializer.validated_data.update(deputy_ref=ref, deputy_name=name)
                submit = serializer.validated_data.get("submit")
                refs = serializer.validated_data.get("cosigners") or []
                super().perform_create(serializer)
                record = serializer.instance
                workflow.invite_cosigners(record, refs)
                workflow.move_created(record, user)
                if submit:
                    workflow.submit(record, user)
        except DjangoValidationError as error:
            detail = error.message_dict if hasattr(error, "error_dict") else error.messages
            raise serializers.ValidationError(detail) from error

    def _move(self, fn, *args):
        try:
            fn(*args)
        except DjangoValidationError as error:
            raise _refused(error) from error

    @extend_schema(summary="修改草稿(标题、正文、类别、附件、附议代表;可同时提交)",
                   parameters=[SITE_PARAMETER], request=DeputySuggestionSerializer(partial=True),
                   responses={200: DeputySuggestionSerializer, **EDIT_PROBLEMS})  # fmt: skip
    def partial_update(self, request, *args, **kwargs):
        suggestion = self.get_object()
        if suggestion.author_id != request.user.pk:
            raise _forbidden("只有领衔代表可以修改草稿。")
        if suggestion.state != State.DRAFT:
            raise ApiProblem(409, "suggestion-state", "当前状态不允许此操作",
                             "只有草稿可以修改;已提交的议案建议请撤回后重新提出。")  # fmt: skip
        serializer = self.get_serializer(suggestion, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        submit, cosigners = changes.pop("submit", False), changes.pop("cosigners", None)
        try:
            with transaction.atomic():
                workflow.edit_draft(suggestion, request.user, changes, cosigners)
                if submit:
                    workflow.submit(suggestion, request.user)
        except DjangoValidationError as error:
            detail = error.message_dict if hasattr(error, "error_dict") else error.messages
            raise serializers.ValidationError(detail) from error
        return Response(self.payload(suggestion))

    @extend_schema(summary="提交草稿", parameters=[SITE_PARAMETER, IDEMPOTENCY],
                   request=SuggestionMoveSerializer, responses={200: DeputySuggestionSerializer, **MOVE_PROBLEMS})  # fmt: skip
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        suggestion = self.get_object()
        if suggestion.author_id != request.user.pk:
            raise _forbidden("只有领衔代表可以提交。")
        if not workflow.current_seat_codes(request.user, self.site_profile.site_id):
            raise _forbidden("只有本级人大的在任代表可以提出议案建议。")
        self._move(workflow.submit, suggestion, request.user)
        return Response(self.payload(suggestion))

    @extend_schema(summary="撤回(交办前)", parameters=[SITE_PARAMETER, IDEMPOTENCY],
                   request=SuggestionWithdrawSerializer, responses={200: DeputySuggestionSerializer, **MOVE_PROBLEMS})  # fmt: skip
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        suggestion = self.get_object()
        if suggestion.author_id != request.user.pk:
            raise _forbidden("只有领衔代表可以撤回。")
        data = SuggestionWithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self._move(workflow.withdraw, suggestion, request.user, data.validated_data["note"])
        return Response(self.payload(suggestion))

    @extend_schema(summary="确认附议", parameters=[SITE_PARAMETER, IDEMPOTENCY],
                   request=SuggestionMoveSerializer, responses={200: DeputySuggestionSerializer, **MOVE_PROBLEMS})  # fmt: skip
    @action(detail=True, methods=["post"])
    def cosign(self, request, *args, **kwargs):
        suggestion = self.get_object()
        if suggestion.author_id == request.user.pk:
            raise _forbidden("领衔代表不必附议自己的议案建议。")
        self._move(workflow.confirm_cosign, suggestion, request.user)
        return Response(self.payload(suggestion))

    @extend_schema(summary="评价答复(满意、基本满意、不满意)", parameters=[SITE_PARAMETER, IDEMPOTENCY],
                   request=SuggestionRateSerializer, responses={200: DeputySuggestionSerializer, **MOVE_PROBLEMS})  # fmt: skip
    @action(detail=True, methods=["post"])
    def rate(self, request, *args, **kwargs):
        suggestion = self.get_object()
        data = SuggestionRateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if request.user.pk not in {u.pk for u in workflow.raters(suggestion)}:
            raise _forbidden("只有领衔代表和确认附议的代表可以评价。")
        self._move(workflow.rate, suggestion, request.user, data.validated_data["result"],
                   data.validated_data["comment"])  # fmt: skip
        return Response(self.payload(suggestion))
