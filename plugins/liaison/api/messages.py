"""The message API (mini-program, bearer token): citizens, deputies, handling units.

* ``/api/v1/liaison/messages/?site=`` — a citizen (verified mobile) writes a
  message (the write idiom of ``SubmissionViewSet``: throttled, idempotent,
  screened and held for moderation, attachments) and reads back their own with
  state, clock and answer; withdraw, reopen, rate, answer "was it solved?",
  change the publication consent.
* ``/api/v1/liaison/inbox/?site=`` — a deputy's messages: reply, hand to the
  office, turn into a suggestion draft (``cms.services.suggestion_drafts``).
* ``/api/v1/liaison/unit-messages/?site=`` — a handling unit's forwarded
  messages: answer.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cms.plugins.api import (
    SITE_PARAMETER,
    ApiProblem,
    IdempotentMixin,
    LimitOffsetParams,
    OwnSubmissionsPermission,
    SiteScopedMixin,
    SubmissionViewSet,
    not_found,
    problem_responses,
)
from cms.services import accounts, deadlines, suggestion_drafts
from plugins.liaison import messages as flow
from plugins.liaison.models import Message, MessageState, MessageTransition

from .serializers import (
    CitizenMessageSerializer,
    InboxMessageSerializer,
    MessageAnswerSerializer,
    MessageConsentSerializer,
    MessageDraftResultSerializer,
    MessageDraftSerializer,
    MessageRateSerializer,
    MessageReasonSerializer,
    MessageReopenSerializer,
    MessageSolvedSerializer,
    inbox_payload,
)

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="重试同一请求时带上相同的键,只生效一次",
)  # fmt: skip
WRITE_PROBLEMS = problem_responses(
    **{"401": "未登录", "403": "未验证手机号的账号不能留言", "409": "重复请求正在处理或键已用于其他请求",
       "422": "同一 Idempotency-Key 用于不同的请求", "429": "请求过于频繁"}
)  # fmt: skip
MOVE_PROBLEMS = problem_responses(
    not_found="站点或留言不存在",
    **{"401": "未登录", "403": "无权操作", "409": "当前状态不允许此操作", "429": "请求过于频繁"},
)  # fmt: skip


class StateParams(LimitOffsetParams):
    state = serializers.ChoiceField(choices=MessageState.choices, required=False,
                                    help_text="按状态筛选")  # fmt: skip


def _refused(error: DjangoValidationError) -> ApiProblem:
    return ApiProblem(409, "message-state", "当前状态不允许此操作", "".join(error.messages))


def _forbidden(detail: str) -> ApiProblem:
    return ApiProblem(403, "forbidden", "无权操作", detail)


def _clocks(rows) -> dict:
    return deadlines.clocks_of(Message, [r.pk for r in rows], [flow.REPLY_RULE])


def _prefetched(queryset):
    return queryset.select_related("unit").prefetch_related(
        "attachments", "recipients",
        Prefetch("history", queryset=MessageTransition.objects.order_by("at", "pk")),
    )  # fmt: skip


class _Moves:
    def _move(self, fn, *args):
        try:
            with transaction.atomic():
                fn(*args)
        except DjangoValidationError as error:
            raise _refused(error) from error

    def get_object(self):
        try:
            return self.get_queryset().get(pk=int(self.kwargs["pk"]))
        except (Message.DoesNotExist, ValueError):
            raise not_found() from None


@extend_schema_view(
    list=extend_schema(summary="我的留言", parameters=[SITE_PARAMETER],
                       responses={200: CitizenMessageSerializer(many=True),
                                  **problem_responses(**{"401": "未登录"})}),
    retrieve=extend_schema(summary="留言详情(状态、答复期限、答复、办理记录)",
                           parameters=[SITE_PARAMETER],
                           responses={200: CitizenMessageSerializer,
                                      **problem_responses(**{"401": "未登录"})}),
    create=extend_schema(summary="给代表留言(写给代表、联络站、所在地的代表,或不指定)",
                         parameters=[SITE_PARAMETER, IDEMPOTENCY],
                         request=CitizenMessageSerializer,
                         responses={201: CitizenMessageSerializer, **WRITE_PROBLEMS}),
)  # fmt: skip
class CitizenMessageViewSet(_Moves, SubmissionViewSet):
    """The messages the account wrote on the site named by ``?site=``."""

    queryset = _prefetched(Message.objects.order_by("-received_at", "-pk"))
    serializer_class = CitizenMessageSerializer
    params_class = StateParams

    def get_queryset(self):
        rows = super().get_queryset()
        if self.action == "list" and self.params.get("state"):
            rows = rows.filter(state=self.params["state"])
        return rows

    def payloads(self, rows: list) -> list:
        context = {**self.get_serializer_context(), "clocks": _clocks(rows)}
        return CitizenMessageSerializer(rows, many=True, context=context).data

    def payload(self, obj) -> dict:
        obj = self.get_queryset().get(pk=obj.pk)
        context = {**self.get_serializer_context(), "clocks": _clocks([obj])}
        return CitizenMessageSerializer(obj, context=context).data

    def create(self, request, *args, **kwargs):
        if "citizen" not in accounts.roles_of(request.user):
            raise _forbidden("请先用手机号登录并完成验证后再留言。")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(self.payload(serializer.instance), status=201)

    def perform_create(self, serializer):
        data = serializer.validated_data
        data.update(original_title=data["title"], original_text=data["text"],
                    text_hash=flow.text_hash(data["text"]))  # fmt: skip
        with transaction.atomic():
            super().perform_create(serializer)
            flow.received(serializer.instance, self.request.user)

    def _mine(self):
        return self.get_object()

    @extend_schema(summary="撤回留言(答复前)", parameters=[SITE_PARAMETER, IDEMPOTENCY],
                   request=MessageReasonSerializer, responses={200: CitizenMessageSerializer, **MOVE_PROBLEMS})  # fmt: skip
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        message = self._mine()
        data = MessageReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self._move(flow.withdraw, message, request.user, data.validated_data["note"])
        return Response(self.payload(message))

    @extend_schema(summary="对答复有疑问,重新打开(答复后规定日数内)",
                   parameters=[SITE_PARAMETER, IDEMPOTENCY], request=MessageReopenSerializer,
                   responses={200: CitizenMessageSerializer, **MOVE_PROBLEMS})  # fmt: skip
    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        message = self._mine()
        data = MessageReopenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self._move(flow.reopen, message, request.user, data.validated_data["note"])
        return Response(self.payload(message))

    @extend_schema(summary="评价答复(满意、基本满意、不满意)", parameters=[SITE_PARAMETER, IDEMPOTENCY],
                   request=MessageRateSerializer, responses={200: CitizenMessageSerializer, **MOVE_PROBLEMS})  # fmt: skip
    @action(detail=True, methods=["post"])
    def rate(self, request, *args, **kwargs):
        message = self._mine()
        data = MessageRateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self._move(flow.rate, message, request.user, data.validated_data["result"],
                   data.validated_data["comment"])  # fmt: skip
        return Response(self.payload(message))

    @extend_schema(summary="回答“问题解决了吗”(答复两周后询问)",
                   parameters=[SITE_PARAMETER, IDEMPOTENCY], request=MessageSolvedSerializer,
                   responses={200: CitizenMessageSerializer, **MOVE_PROBLEMS})  # fmt: skip
    @action(detail=True, methods=["post"])
    def solved(self, request, *args, **kwargs):
        message = self._mine()
        data = MessageSolvedSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self._move(flow.answer_solved, message, request.user, data.validated_data["solved"])
        return Response(self.payload(message))

    @extend_schema(summary="更改是否同意公开", parameters=[SITE_PARAMETER, IDEMPOTENCY],
                   request=MessageConsentSerializer, responses={200: CitizenMessageSerializer, **MOVE_PROBLEMS})  # fmt: skip
    @action(detail=True, methods=["post"])
    def consent(self, request, *args, **kwargs):
        message = self._mine()
        data = MessageConsentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self._move(flow.set_consent, message, request.user,
                   data.validated_data["consent_publish"])  # fmt: skip
        return Response(self.payload(message))


class _Handler(_Moves, IdempotentMixin, SiteScopedMixin, mixins.ListModelMixin,
               mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # fmt: skip
    """Messages someone handles: a deputy's inbox, a unit's forwarded messages."""

    permission_classes = [OwnSubmissionsPermission]
    queryset = _prefetched(Message.objects.order_by("-received_at", "-pk"))
    serializer_class = InboxMessageSerializer
    params_class = StateParams

    def handled(self, rows):  # pragma: no cover - each subclass says which
        raise NotImplementedError

    def get_queryset(self):
        rows = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return rows
        rows = self.handled(rows.filter(moderation_status="approved"))
        if self.action == "list" and self.params.get("state"):
            rows = rows.filter(state=self.params["state"])
        return rows

    def payloads(self, rows: list) -> list:
        clocks = _clocks(rows)
        return [inbox_payload(r, clocks) for r in rows]

    def payload(self, obj) -> dict:
        obj = self.get_queryset().get(pk=obj.pk)
        return inbox_payload(obj, _clocks([obj]))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response


INBOX_READ = problem_responses(**{"401": "未登录", "403": "不是代表"})


@extend_schema_view(
    list=extend_schema(summary="代表收到的群众留言", parameters=[SITE_PARAMETER],
                       responses={200: InboxMessageSerializer(many=True), **INBOX_READ}),
    retrieve=extend_schema(summary="群众留言详情", parameters=[SITE_PARAMETER],
                           responses={200: InboxMessageSerializer, **INBOX_READ}),
)  # fmt: skip
class InboxViewSet(_Handler):
    """The messages delivered to the deputy behind the account."""

    def handled(self, rows):
        ref = flow.deputy_ref(self.request.user)
        if not ref:
            raise _forbidden("只有代表可以查看收到的群众留言。")
        return rows.filter(recipients__deputy_ref=ref).exclude(state=MessageState.RECEIVED)

    @extend_schema(summary="答复留言", parameters=[SITE_PARAMETER, IDEMPOTENCY],
                   request=MessageAnswerSerializer, responses={200: InboxMessageSerializer, **MOVE_PROBLEMS})  # fmt: skip
    @action(detail=True, methods=["post"])
    def reply(self, request, *args, **kwargs):
        message = self.get_object()
        data = MessageAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if message.state not in (MessageState.DELIVERED, MessageState.REOPENED):
            raise _refused(DjangoValidationError("转办或已答复的留言不能再由代表答复。"))
        name = flow.deputy_name(request.user, message)
        self._move(flow.answer, message, request.user, data.validated_data["text"], name)
        return Response(self.payload(message))

    @extend_schema(summary="转交人大办公室(交有关单位办理)", parameters=[SITE_PARAMETER, IDEMPOTENCY],
                   request=MessageReopenSerializer, responses={200: InboxMessageSerializer, **MOVE_PROBLEMS})  # fmt: skip
    @action(detail=True, methods=["post"])
    def forward(self, request, *args, **kwargs):
        message = self.get_object()
        data = MessageReopenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if message.state not in (MessageState.DELIVERED, MessageState.REOPENED):
            raise _refused(DjangoValidationError("只有送达代表、尚未答复的留言可以转交。"))
        self._move(flow.to_office, message, request.user, data.validated_data["note"])
        return Response(self.payload(message))

    @extend_schema(summary="转为建议草稿(议案建议功能启用时)", parameters=[SITE_PARAMETER, IDEMPOTENCY],
                   request=MessageDraftSerializer,
                   responses={201: MessageDraftResultSerializer,
                              **problem_responses(not_found="站点或留言不存在",
                                                  **{"401": "未登录", "403": "无权操作",
                                                     "409": "不能转为建议(未启用或不是本级代表)"})})  # fmt: skip
    @action(detail=True, methods=["post"])
    def suggestion(self, request, *args, **kwargs):
        message = self.get_object()
        data = MessageDraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            ref = flow.to_suggestion(message, request.user, data.validated_data["title"])
        except suggestion_drafts.Unavailable as error:
            raise ApiProblem(409, "suggestion-unavailable", "不能转为建议", str(error)) from error
        return Response({"suggestion": ref}, status=201)


@extend_schema_view(
    list=extend_schema(summary="转交本单位办理的群众留言", parameters=[SITE_PARAMETER],
                       responses={200: InboxMessageSerializer(many=True),
                                  **problem_responses(**{"401": "未登录", "403": "不是承办单位"})}),
    retrieve=extend_schema(summary="转办留言详情", parameters=[SITE_PARAMETER],
                           responses={200: InboxMessageSerializer,
                                      **problem_responses(**{"401": "未登录", "403": "不是承办单位"})}),
)  # fmt: skip
class UnitMessageViewSet(_Handler):
    """The messages forwarded to the account's handling units."""

    def handled(self, rows):
        units = accounts.units_of(self.request.user)
        if not units:
            raise _forbidden("只有承办单位可以查看转办的群众留言。")
        return rows.filter(unit_id__in=units)

    @extend_schema(summary="答复转办的留言", parameters=[SITE_PARAMETER, IDEMPOTENCY],
                   request=MessageAnswerSerializer, responses={200: InboxMessageSerializer, **MOVE_PROBLEMS})  # fmt: skip
    @action(detail=True, methods=["post"])
    def answer(self, request, *args, **kwargs):
        message = self.get_object()
        data = MessageAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if message.state != MessageState.FORWARDED:
            raise _refused(DjangoValidationError("只有转办中的留言可以由单位答复。"))
        self._move(flow.answer, message, request.user, data.validated_data["text"],
                   message.unit.name)  # fmt: skip
        return Response(self.payload(message))
