"""Serializers of the consultations API: the public payloads (documented shapes) and the
writes of citizens and deputies (a comment, a proposal)."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cms.plugins.api import status_of
from cms.services import directory
from plugins.consultations import structure
from plugins.consultations.models import (
    Comment,
    Consultation,
    Kind,
    Proposal,
    ProposerType,
    Provision,
    Result,
    Stage,
    Status,
    Topic,
    Version,
)

STATUS_HELP = "scheduled 待开始、open 征求意见中、closed 已结束"


class ConsultationDocumentSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField(help_text="下载地址")


class ConsultationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    site = serializers.CharField(help_text="所属站点的行政区划代码")
    site_name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Kind.choices, help_text="draft 法规草案、call 项目征集")
    topic = serializers.ChoiceField(choices=Topic.choices, allow_blank=True,
                                    help_text="项目征集:legislation 立法计划项目、supervision 监督工作项目")  # fmt: skip
    title = serializers.CharField()
    summary = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices,
                                     help_text=STATUS_HELP)  # fmt: skip
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    comment_count = serializers.IntegerField(help_text="已审核通过的意见(或项目建议)数")
    report_published = serializers.BooleanField(help_text="已发布意见采纳情况(处理结果)")


class CountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    deputies = serializers.IntegerField(help_text="其中人大代表的意见")


class ProvisionSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="条款 id(发表意见时的 provision)")
    kind = serializers.ChoiceField(choices=list(structure.LEVEL_NAMES.items()),
                                   help_text="part 编、chapter 章、section 节、article 条、paragraph 款、item 项")  # fmt: skip
    number = serializers.IntegerField()
    label = serializers.CharField(help_text="如“第十二条”“(一)”;款为“第一款”之序号")
    heading = serializers.CharField(help_text="编、章、节的名称")
    text = serializers.CharField(help_text="款、项的文字")
    comments = CountsSerializer(required=False, help_text="条:已审核通过的意见数")
    children = serializers.ListField(child=serializers.DictField(), help_text="下级条款(同一结构)")


class VersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    stage_label = serializers.CharField()
    title = serializers.CharField()
    preamble = serializers.CharField()
    note = serializers.CharField()


class DraftCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    deputies = serializers.IntegerField()
    citizens = serializers.IntegerField()
    whole_draft = serializers.IntegerField(help_text="针对草案整体的意见")


class DraftSerializer(serializers.Serializer):
    version = VersionSerializer()
    comments = DraftCountsSerializer()
    provisions = ProvisionSerializer(many=True)


class ConsultationDetailSerializer(ConsultationSerializer):
    explanation = serializers.CharField(help_text="起草说明")
    attachments = ConsultationDocumentSerializer(many=True)
    versions = VersionSerializer(many=True)
    draft = DraftSerializer(
        allow_null=True, help_text="法规草案的结构与每条的意见数;项目征集为 null"
    )


class PublicCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    article = serializers.CharField(help_text="意见针对的条(空:草案整体)")
    provision = serializers.CharField(help_text="意见针对的条款,如“第五条第二款”")
    as_deputy = serializers.BooleanField(help_text="人大代表的意见")
    text = serializers.CharField(help_text="意见内容(审核通过的)")
    created_at = serializers.DateTimeField()
    decision = serializers.IntegerField(allow_null=True, help_text="采纳情况 id(见反馈报告)")


class ReportSerializer(serializers.Serializer):
    consultation = ConsultationSerializer()
    summary = serializers.CharField()
    published_at = serializers.DateTimeField()
    totals = serializers.DictField(child=serializers.IntegerField(),
                                   help_text="total、deputies、citizens、adopted、partly、not_adopted(项目征集:included、merged、not_included)")  # fmt: skip
    whole_draft = serializers.DictField(required=False)
    articles = serializers.ListField(child=serializers.DictField(), required=False,
                                     help_text="每条的意见数与采纳情况")  # fmt: skip
    decisions = serializers.ListField(child=serializers.DictField(), required=False,
                                      help_text="采纳情况:结果、理由、意见数、修改的条文")  # fmt: skip
    changed_clauses = serializers.ListField(child=serializers.DictField(), required=False,
                                            help_text="修改的条文及促成修改的意见")  # fmt: skip
    comparison = serializers.DictField(allow_null=True, required=False,
                                       help_text="首稿与最新稿逐条比较(修改、移动、新增、删除)")  # fmt: skip
    proposals = serializers.ListField(child=serializers.DictField(), required=False,
                                      help_text="项目征集:每个项目建议的处理结果")  # fmt: skip


def _provision_label(provision: Provision | None) -> str:
    if provision is None:
        return ""
    if provision.kind == structure.PARAGRAPH and provision.article_id:
        return f"{provision.article.label}第{structure.int_to_cn(provision.number)}款"
    return provision.label


class MyDecisionSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=Result.choices)
    result_label = serializers.CharField()
    reason = serializers.CharField()
    changed_provision = serializers.CharField(help_text="修改的条文(新版本),未修改为空")


class CommentSerializer(serializers.ModelSerializer):
    """A comment: write ``consultation``, ``provision`` (an article or paragraph of the
    current version; none for the whole draft) and ``text``."""

    # With the id of its current version: one query for both.
    # Without the stored feedback report (hundreds of KB once published).
    consultation = serializers.PrimaryKeyRelatedField(queryset=Consultation.objects.defer("report_json").annotate(
        current_version_id=Subquery(Version.objects.filter(consultation=OuterRef("pk"))
                                    .order_by("-number").values("pk")[:1])))  # fmt: skip
    provision = serializers.PrimaryKeyRelatedField(
        # A paragraph's article with it: the answer labels it "第五条第二款" (no second query).
        queryset=Provision.objects.select_related("article"), required=False, allow_null=True,
        help_text="条或款的 id(见草案结构);不填为对草案整体的意见",
    )  # fmt: skip
    provision_label = serializers.SerializerMethodField()
    consultation_title = serializers.CharField(source="consultation.title", read_only=True)
    status = serializers.SerializerMethodField(
        help_text="pending 待审核、rejected 已退回(见 reason)、approved 已收到"
    )
    reason = serializers.CharField(source="moderation_reason", read_only=True, help_text="退回理由")
    decision = serializers.SerializerMethodField(help_text="采纳情况(反馈报告发布后)")

    class Meta:
        model = Comment
        fields = ["id", "consultation", "consultation_title", "provision", "provision_label",
                  "text", "as_deputy", "status", "reason", "decision", "created_at"]  # fmt: skip
        read_only_fields = ["id", "as_deputy", "created_at"]

    def get_status(self, obj) -> str:
        return status_of(obj, state_field=None)

    def get_provision_label(self, obj) -> str:
        return _provision_label(obj.provision)

    @extend_schema_field(MyDecisionSerializer(allow_null=True))
    def get_decision(self, obj) -> dict | None:
        decision = obj.decision
        if decision is None or obj.consultation.report_published_at is None:
            return None
        changed = decision.changed_provision
        return {"result": decision.result, "result_label": decision.get_result_display(),
                "reason": decision.reason,
                "changed_provision": f"{changed.version.get_stage_display()}{changed.label}"
                if changed else ""}  # fmt: skip

    def validate(self, attrs):
        request = self.context["request"]
        site_id = request.site_profile.site_id
        consultation = attrs["consultation"]
        if consultation.site_id != site_id or consultation.status == Status.DRAFT:
            raise serializers.ValidationError({"consultation": "征求意见不存在。"})
        if consultation.kind != Kind.DRAFT:
            raise serializers.ValidationError({"consultation": "项目征集请提交项目建议。"})
        if consultation.status != Status.OPEN:
            raise serializers.ValidationError({"consultation": "不在征求意见期内。"})
        version_id = consultation.current_version_id
        provision = attrs.get("provision")
        if provision is not None:
            if provision.version_id != version_id or provision.kind not in (
                structure.ARTICLE,
                structure.PARAGRAPH,
            ):
                raise serializers.ValidationError({"provision": "请选择本草案当前版本的条或款。"})
        attrs["version_id"] = version_id
        attrs["article"] = (
            None if provision is None
            else provision if provision.kind == structure.ARTICLE
            else provision.article
        )  # fmt: skip
        attrs["as_deputy"] = _is_deputy_of(request.user, site_id)
        return attrs


def _is_deputy_of(user, site_id: int) -> bool:
    return any(seat.current and seat.site_id == site_id for seat in directory.seats_of(user))


def may_write(user) -> bool:
    """Citizens with a verified mobile (the roles of ``cms.services.accounts.roles_of``:
    ``citizen``) and deputies (a current seat, ``cms.services.directory.seats_of``); the
    account comes with the bearer token, so a verified citizen costs no query here."""
    account = getattr(user, "account", None)
    if account is not None and account.mobile_verified_at and not account.erased_at:
        return True
    return any(seat.current for seat in directory.seats_of(user))


class ProposalSerializer(serializers.ModelSerializer):
    call = serializers.PrimaryKeyRelatedField(queryset=Consultation.objects.all())
    call_title = serializers.CharField(source="call.title", read_only=True)
    proposer_type = serializers.ChoiceField(choices=ProposerType.choices,
                                            help_text="citizen 公民、deputy 人大代表、organisation 单位组织")  # fmt: skip
    status = serializers.SerializerMethodField(
        help_text="pending 待审核、rejected 已退回(见 reason)、approved 已收到"
    )
    reason = serializers.CharField(source="moderation_reason", read_only=True)
    outcome = serializers.SerializerMethodField(
        help_text="处理结果(公布后):included 列入、merged 合并列入、not_included 未列入"
    )
    outcome_reason = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = ["id", "call", "call_title", "proposer_type", "organisation", "title", "reasons",
                  "content", "status", "reason", "outcome", "outcome_reason", "merged_into",
                  "created_at"]  # fmt: skip
        read_only_fields = ["id", "merged_into", "created_at"]

    def get_status(self, obj) -> str:
        return status_of(obj, state_field=None)

    def _published(self, obj) -> bool:
        return obj.call.report_published_at is not None

    def get_outcome(self, obj) -> str:
        return obj.outcome if self._published(obj) else ""

    def get_outcome_reason(self, obj) -> str:
        return obj.outcome_reason if self._published(obj) else ""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self._published(instance):
            data["merged_into"] = ""
        return data

    def validate(self, attrs):
        request = self.context["request"]
        call = attrs["call"]
        if call.site_id != request.site_profile.site_id or call.status == Status.DRAFT:
            raise serializers.ValidationError({"call": "项目征集不存在。"})
        if call.kind != Kind.CALL:
            raise serializers.ValidationError({"call": "法规草案请提交意见。"})
        if call.status != Status.OPEN:
            raise serializers.ValidationError({"call": "不在征集期内。"})
        kind = attrs["proposer_type"]
        if kind == ProposerType.DEPUTY and not _is_deputy_of(request.user, call.site_id):
            raise serializers.ValidationError(
                {"proposer_type": "只有本级人大代表可以以代表身份提出。"}
            )
        if kind == ProposerType.ORGANISATION and not attrs.get("organisation", "").strip():
            raise serializers.ValidationError(
                {"organisation": "以单位组织名义提出须填写单位名称。"}
            )
        if kind != ProposerType.ORGANISATION:
            attrs["organisation"] = ""
        return attrs
