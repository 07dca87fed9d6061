"""API of 委员联系代表 (all under ``/api/v1/liaison/``, ``?site=`` the congress's site):

* committee members (their account: staff or deputy): ``committee/deputies/`` (the deputies
  assigned to me, with this year's contacts), ``committee/contacts/`` (my contact log; POST
  records one);
* the office: ``committee/coverage/`` (who has not been contacted this year, per site rolled up
  and per member, with denominators);
* deputies: ``deputy/contacts/`` (my contacts with committee members), ``deputy/invitations/``
  (my invitations; ``register``, ``decline``);
* anyone: ``deputies/<ref>/qr.png`` and ``qr.svg`` (the code that opens the mini-program's
  write page for a current deputy of the site).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Max, Q
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.plugins import site_access
from cms.plugins.api import (
    SITE_PARAMETER,
    ApiProblem,
    IdempotentMixin,
    LimitOffsetParams,
    SiteScopedMixin,
    WholeListPagination,
    not_found,
    problem_responses,
)
from plugins.liaison import committee_coverage, committee_logic, committee_qr
from plugins.liaison.committee import (
    Assignment,
    Contact,
    ContactKind,
    InvitationKind,
    Invitee,
    InviteeResponse,
)

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="重试同一请求时带上相同的键,只生效一次",
)  # fmt: skip
READ_PROBLEMS = problem_responses(**{"401": "未登录", "403": "不是本级人大常委会组成人员"})
DEPUTY_PROBLEMS = problem_responses(**{"401": "未登录", "403": "不是本级人大的在任代表"})


def _forbidden(detail: str) -> ApiProblem:
    return ApiProblem(403, "forbidden", "无权操作", detail)


def _refused(error: DjangoValidationError) -> ApiProblem:
    return ApiProblem(409, "invitation-state", "当前不能这样答复", "".join(error.messages))


# --- serializers ------------------------------------------------------------------------


class CommitteeDeputyRefSerializer(serializers.Serializer):
    ref = serializers.CharField(help_text="代表编号(代表名册的 id)")
    name = serializers.CharField()


class CommitteeAssignedDeputySerializer(serializers.Serializer):
    deputy = CommitteeDeputyRefSerializer()
    assigned_on = serializers.DateField()
    contacts_this_year = serializers.IntegerField(help_text="本年度联系次数")
    minimum = serializers.IntegerField(help_text="每年至少联系次数")
    last_contact = serializers.DateField(allow_null=True)


class MemberContactSerializer(serializers.ModelSerializer):
    """A contact in the member's log; POST names the deputy by ``deputy`` (an assigned one)."""

    deputy = serializers.CharField(write_only=True, help_text="代表编号(须为分配给我的代表)")
    deputy_ref = serializers.CharField(source="assignment.deputy_ref", read_only=True)
    deputy_name = serializers.CharField(source="assignment.deputy_name", read_only=True)
    kind = serializers.ChoiceField(choices=ContactKind.choices)

    class Meta:
        model = Contact
        fields = ["id", "deputy", "deputy_ref", "deputy_name", "kind", "date", "issues",
                  "follow_up", "source", "created_at"]  # fmt: skip
        read_only_fields = ["id", "source", "created_at"]

    def validate_date(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError("联系日期不能晚于今天。")
        return value


class DeputyContactSerializer(serializers.ModelSerializer):
    """A contact in the deputy's own log: which member, how, when, what was raised."""

    member = serializers.CharField(source="assignment.member.name")
    member_post = serializers.CharField(source="assignment.member.post")
    kind = serializers.ChoiceField(choices=ContactKind.choices)

    class Meta:
        model = Contact
        fields = ["id", "member", "member_post", "kind", "date", "issues", "follow_up"]


class DeputyInvitationSerializer(serializers.ModelSerializer):
    """An invitation as the invited deputy sees it, with my answer and the places taken."""

    id = serializers.IntegerField(source="invitation.id")
    kind = serializers.ChoiceField(source="invitation.kind", choices=InvitationKind.choices)
    title = serializers.CharField(source="invitation.title")
    date = serializers.DateField(source="invitation.date")
    place = serializers.CharField(source="invitation.place")
    description = serializers.CharField(source="invitation.description")
    capacity = serializers.IntegerField(source="invitation.capacity")
    registered = serializers.SerializerMethodField(help_text="已报名人数")
    response = serializers.ChoiceField(choices=InviteeResponse.choices)

    class Meta:
        model = Invitee
        fields = ["id", "kind", "title", "date", "place", "description", "capacity", "registered",
                  "response", "responded_at", "decline_reason", "attended"]  # fmt: skip

    def get_registered(self, obj) -> int:
        return self.context.get("registered", {}).get(obj.invitation_id, 0)


class InvitationDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                   help_text="谢绝理由(可不填)")  # fmt: skip


class InvitationAnswerSerializer(serializers.Serializer):
    pass


class CoverageFigureSerializer(serializers.Serializer):
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class CoverageRowSerializer(serializers.Serializer):
    assigned = serializers.IntegerField(help_text="联系关系数(组成人员×代表)")
    contacted = CoverageFigureSerializer(help_text="本年度已联系的联系关系")
    uncontacted = CoverageFigureSerializer(help_text="本年度未联系的联系关系")
    met_minimum = CoverageFigureSerializer(help_text="达到每年最少联系次数的联系关系")
    deputies = serializers.IntegerField(help_text="被联系代表人数")
    deputies_contacted = CoverageFigureSerializer(help_text="本年度已被联系的代表")


class CoverageSiteSerializer(CoverageRowSerializer):
    site = serializers.DictField(child=serializers.CharField())
    has_below = serializers.BooleanField(help_text="是否含下级站点的汇总")


class CoverageMemberSerializer(CoverageRowSerializer):
    member = serializers.DictField()


class CoverageUncontactedSerializer(serializers.Serializer):
    deputy = CommitteeDeputyRefSerializer()
    member = serializers.CharField()
    site = serializers.CharField()


class CoverageSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    minimum = serializers.IntegerField()
    scope = serializers.DictField(child=serializers.CharField())
    total = CoverageRowSerializer()
    sites = CoverageSiteSerializer(many=True)
    members = CoverageMemberSerializer(many=True)
    uncontacted = CoverageUncontactedSerializer(many=True)


class CoverageParams(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100,
                                    help_text="年度,默认今年")  # fmt: skip


# --- committee members ------------------------------------------------------------------


class MemberMixin(SiteScopedMixin):
    site_field = None
    permission_classes = [permissions.IsAuthenticated]

    def member_ids(self) -> list[int]:
        ids = list(
            committee_logic.members_of(self.request.user, self.site_profile.site_id)
            .values_list("pk", flat=True)
        )  # fmt: skip
        if not ids:
            raise _forbidden("只有本级人大常委会组成人员可以使用。")
        return ids


class AssignedDeputyViewSet(MemberMixin, viewsets.GenericViewSet):
    """The deputies assigned to me, with this year's contacts, given whole (a handful)."""

    serializer_class = CommitteeAssignedDeputySerializer
    queryset = Assignment.objects.all()
    pagination_class = WholeListPagination

    def get_queryset(self):
        rows = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return rows.none()
        year = timezone.localdate().year
        return (
            committee_logic.active_assignments()
            .filter(member_id__in=self.member_ids())
            .annotate(n=Count("contacts", filter=Q(contacts__date__year=year)),
                      last_date=Max("contacts__date"))
            .order_by("deputy_name", "pk")
        )  # fmt: skip

    def payloads(self, rows: list) -> list:
        minimum = committee_logic.setting("YEARLY_MIN_CONTACTS")
        return CommitteeAssignedDeputySerializer([
            {"deputy": {"ref": r.deputy_ref, "name": r.deputy_name}, "assigned_on": r.assigned_on,
             "contacts_this_year": r.n, "minimum": minimum, "last_contact": r.last_date}
            for r in rows
        ], many=True).data  # fmt: skip

    @extend_schema(summary="分配给我联系的代表(含本年度联系次数)", parameters=[SITE_PARAMETER],
                   responses={200: CommitteeAssignedDeputySerializer(many=True), **READ_PROBLEMS})  # fmt: skip
    def list(self, request, *args, **kwargs):
        return SiteScopedMixin.list(self, request, *args, **kwargs)


@extend_schema_view(
    list=extend_schema(summary="我的联系记录", parameters=[SITE_PARAMETER],
                       responses={200: MemberContactSerializer(many=True), **READ_PROBLEMS}),
    retrieve=extend_schema(summary="一条联系记录", parameters=[SITE_PARAMETER],
                           responses={200: MemberContactSerializer,
                                      **problem_responses(not_found="站点或联系记录不存在",
                                                          **{"401": "未登录", "403": "不是本级人大常委会组成人员"})}),
    create=extend_schema(summary="记录一次联系代表", parameters=[SITE_PARAMETER, IDEMPOTENCY],
                         request=MemberContactSerializer,
                         responses={201: MemberContactSerializer,
                                    **problem_responses(**{"401": "未登录",
                                                           "403": "不是本级人大常委会组成人员",
                                                           "422": "同一 Idempotency-Key 用于不同的请求"})}),
)  # fmt: skip
class MemberContactViewSet(IdempotentMixin, MemberMixin, viewsets.GenericViewSet):
    serializer_class = MemberContactSerializer
    queryset = Contact.objects.select_related("assignment").order_by("-date", "-pk")
    params_class = LimitOffsetParams

    def get_queryset(self):
        rows = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return rows.none()
        return rows.filter(assignment__member_id__in=self.member_ids())

    def list(self, request, *args, **kwargs):
        return SiteScopedMixin.list(self, request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        members = self.member_ids()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        ref = data.pop("deputy")
        assignment = (
            committee_logic.active_assignments()
            .filter(member_id__in=members, deputy_ref=ref)
            .select_related("member")
            .first()
        )
        if assignment is None:
            raise serializers.ValidationError({"deputy": ["这位代表没有分配给您联系。"]})
        try:
            contact = committee_logic.log_contact(
                assignment, user=request.user, source=Contact.Source.MEMBER, **data
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return Response(self.get_serializer(contact).data, status=201)


# --- the office -------------------------------------------------------------------------


@extend_schema(summary="联系覆盖情况(本年度未被联系的代表,按站点汇总含下级、按组成人员)",
               parameters=[SITE_PARAMETER, CoverageParams],
               responses={200: CoverageSerializer,
                          **problem_responses(**{"401": "未登录", "403": "无权查看"})})  # fmt: skip
class CoverageView(SiteScopedMixin, APIView):
    site_field = None
    permission_classes = [permissions.IsAuthenticated]
    params_class = CoverageParams

    def get(self, request, *args, **kwargs):
        access = site_access(request)
        if not request.user.has_perm("liaison.view_assignment") or not access.can_manage(
            self.site_profile.site_id
        ):
            raise _forbidden("只有本站点的工作人员可以查看。")
        allowed = access.plugin_site_ids(committee_logic.LABEL)
        figures = committee_coverage.coverage(self.site_profile, allowed=allowed,
                                              year=self.params.get("year"))  # fmt: skip
        return Response(CoverageSerializer(figures).data)


# --- deputies ---------------------------------------------------------------------------


class DeputyMixin(SiteScopedMixin):
    site_field = None
    permission_classes = [permissions.IsAuthenticated]

    def ref(self) -> str:
        ref = committee_logic.deputy_ref(self.request.user)
        if not ref or not committee_logic.is_current_deputy(ref, self.site_profile.site_id):
            raise _forbidden("只有本级人大的在任代表可以使用。")
        return ref


@extend_schema_view(
    list=extend_schema(summary="我与常委会组成人员的联系记录", parameters=[SITE_PARAMETER],
                       responses={200: DeputyContactSerializer(many=True), **DEPUTY_PROBLEMS}),
    retrieve=extend_schema(summary="一条联系记录", parameters=[SITE_PARAMETER],
                           responses={200: DeputyContactSerializer,
                                      **problem_responses(not_found="站点或联系记录不存在",
                                                          **{"401": "未登录", "403": "不是本级人大的在任代表"})}),
)  # fmt: skip
class DeputyContactViewSet(DeputyMixin, viewsets.GenericViewSet):
    serializer_class = DeputyContactSerializer
    queryset = Contact.objects.select_related("assignment__member").order_by("-date", "-pk")
    params_class = LimitOffsetParams

    def get_queryset(self):
        rows = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return rows.none()
        return rows.filter(site_id=self.site_profile.site_id, assignment__deputy_ref=self.ref())

    def list(self, request, *args, **kwargs):
        return SiteScopedMixin.list(self, request, *args, **kwargs)


INVITATION_PROBLEMS = problem_responses(
    not_found="站点或邀请不存在",
    **{"401": "未登录", "403": "不是本级人大的在任代表", "409": "名额已满或活动已结束"},
)  # fmt: skip


class InvitationViewSet(IdempotentMixin, DeputyMixin, viewsets.GenericViewSet):
    """The invitations of the deputy on the site; ``register`` and ``decline``."""

    serializer_class = DeputyInvitationSerializer
    queryset = Invitee.objects.select_related("invitation").order_by("-invitation__date", "-pk")
    params_class = LimitOffsetParams

    def get_queryset(self):
        rows = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return rows.none()
        return rows.filter(site_id=self.site_profile.site_id, deputy_ref=self.ref())

    def get_object(self):
        try:
            return self.get_queryset().get(invitation_id=int(self.kwargs["pk"]))
        except (Invitee.DoesNotExist, ValueError):
            raise not_found() from None

    def payloads(self, rows: list) -> list:
        ids = {r.invitation_id for r in rows}
        registered = dict(
            Invitee.objects.filter(invitation_id__in=ids, response=InviteeResponse.REGISTERED)
            .values("invitation_id").annotate(n=Count("pk")).values_list("invitation_id", "n")
        )  # fmt: skip
        return DeputyInvitationSerializer(rows, many=True, context={"registered": registered}).data

    def payload(self, obj) -> dict:
        return self.payloads([obj])[0]

    @extend_schema(summary="我收到的列席、执法检查和调研邀请", parameters=[SITE_PARAMETER],
                   responses={200: DeputyInvitationSerializer(many=True), **DEPUTY_PROBLEMS})  # fmt: skip
    def list(self, request, *args, **kwargs):
        return SiteScopedMixin.list(self, request, *args, **kwargs)

    @extend_schema(summary="邀请详情", parameters=[SITE_PARAMETER],
                   responses={200: DeputyInvitationSerializer, **INVITATION_PROBLEMS})  # fmt: skip
    def retrieve(self, request, *args, **kwargs):
        return Response(self.payload(self.get_object()))

    @extend_schema(summary="报名参加", parameters=[SITE_PARAMETER, IDEMPOTENCY],
                   request=InvitationAnswerSerializer,
                   responses={200: DeputyInvitationSerializer, **INVITATION_PROBLEMS})  # fmt: skip
    @action(detail=True, methods=["post"])
    def register(self, request, *args, **kwargs):
        invitee = self.get_object()
        try:
            committee_logic.answer(invitee, register=True, user=request.user)
        except DjangoValidationError as error:
            raise _refused(error) from error
        return Response(self.payload(invitee))

    @extend_schema(summary="谢绝邀请", parameters=[SITE_PARAMETER, IDEMPOTENCY],
                   request=InvitationDeclineSerializer,
                   responses={200: DeputyInvitationSerializer, **INVITATION_PROBLEMS})  # fmt: skip
    @action(detail=True, methods=["post"])
    def decline(self, request, *args, **kwargs):
        invitee = self.get_object()
        data = InvitationDeclineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            committee_logic.answer(invitee, register=False, user=request.user,
                                   reason=data.validated_data["reason"])  # fmt: skip
        except DjangoValidationError as error:
            raise _refused(error) from error
        return Response(self.payload(invitee))


# --- QR codes ---------------------------------------------------------------------------


class DeputyQrView(SiteScopedMixin, APIView):
    """A current deputy's QR code (anyone; 404 for anyone who is not a current deputy of
    the site)."""

    site_field = None
    permission_classes = [permissions.AllowAny]
    anonymous_reads = True
    kind = "png"

    def get(self, request, ref: str, *args, **kwargs):
        if not ref.isdigit() or not committee_logic.is_current_deputy(
            ref, self.site_profile.site_id
        ):
            raise not_found()
        code = self.site_profile.division_code
        if self.kind == "svg":
            return HttpResponse(committee_qr.svg(ref, code), content_type="image/svg+xml")
        return HttpResponse(committee_qr.png(ref, code), content_type="image/png")


QR_RESPONSES = problem_responses(not_found="站点不存在或不是该站点的在任代表")


class DeputyQrPngView(DeputyQrView):
    kind = "png"

    @extend_schema(summary="代表二维码(PNG):扫码打开小程序给该代表写信", parameters=[SITE_PARAMETER],
                   operation_id="liaison_deputies_qr_png",
                   responses={(200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY),
                              **QR_RESPONSES})  # fmt: skip
    def get(self, request, ref: str, *args, **kwargs):
        return super().get(request, ref, *args, **kwargs)


class DeputyQrSvgView(DeputyQrView):
    kind = "svg"

    @extend_schema(summary="代表二维码(SVG):扫码打开小程序给该代表写信", parameters=[SITE_PARAMETER],
                   operation_id="liaison_deputies_qr_svg",
                   responses={(200, "image/svg+xml"): OpenApiResponse(OpenApiTypes.BINARY),
                              **QR_RESPONSES})  # fmt: skip
    def get(self, request, ref: str, *args, **kwargs):
        return super().get(request, ref, *args, **kwargs)


def urlpatterns() -> list:
    from django.urls import path
    from rest_framework.routers import SimpleRouter

    router = SimpleRouter()
    router.register("committee/contacts", MemberContactViewSet, basename="committee-contact")
    router.register("deputy/contacts", DeputyContactViewSet, basename="deputy-contact")
    router.register("deputy/invitations", InvitationViewSet, basename="deputy-invitation")
    return [
        path(
            "committee/deputies/",
            AssignedDeputyViewSet.as_view({"get": "list"}),
            name="committee-deputies",
        ),
        path("committee/coverage/", CoverageView.as_view(), name="committee-coverage"),
        path("deputies/<str:ref>/qr.png", DeputyQrPngView.as_view(), name="deputy-qr-png"),
        path("deputies/<str:ref>/qr.svg", DeputyQrSvgView.as_view(), name="deputy-qr-svg"),
        *router.urls,
    ]
