"""The consultations API's example payloads for ``frontend_contracts/examples/`` (``make contracts``).

On the demo: the province's open draft (structure and counts), its closed one (the
comments' texts and the feedback report), 肥西县's supervision-topic call; "my
comments" and "my proposals" with the token of the demo citizen who wrote them.
"""

from __future__ import annotations

from cms.plugins.examples import MISSING_ID, Example, url
from cms.services import accounts

from .models import Comment, Consultation, Kind, Proposal, Status

API = "/api/v1/consultations/"
PROVINCE, COUNTY = "340000", "340123"


def _auth(user, device: str) -> dict[str, str]:
    tokens = accounts.issue_tokens(user, device_id=f"export-api-examples-{device}")
    return {"Authorization": f"Bearer {tokens.access_token}"}


def api_examples(recorder) -> list[Example]:
    plan = [
        Example("consultations_list", "consultations_list", url(API, site=PROVINCE, limit=3),
                "省级站点的征求意见(不含未发布的)"),
        Example("consultations_list.descendants", "consultations_list",
                url(API, site=PROVINCE, include_descendants="true", status="open"),
                "含下级站点、正在征求意见的"),
        Example("consultations_retrieve.404", "consultations_retrieve",
                url(f"{API}{MISSING_ID}/", site=PROVINCE), "不存在或未发布的征求意见"),
    ]  # fmt: skip
    shown = Consultation.objects.exclude(status=Status.DRAFT)
    open_draft = shown.filter(kind=Kind.DRAFT, status=Status.OPEN,
                              site__profile__division_code=PROVINCE).first()  # fmt: skip
    closed = shown.filter(kind=Kind.DRAFT, report_published_at__isnull=False,
                          site__profile__division_code=PROVINCE).first()  # fmt: skip
    if open_draft:
        plan += [
            Example("consultations_retrieve", "consultations_retrieve",
                    url(f"{API}{open_draft.pk}/", site=PROVINCE),
                    "征求意见中的草案:起草说明、附件、编章节条款项结构与每条的意见数"),
            Example("consultations_public_comments_list.409", "consultations_public_comments_list",
                    url(f"{API}{open_draft.pk}/comments/", site=PROVINCE),
                    "征求意见期内不公开意见内容"),
        ]  # fmt: skip
    if closed:
        plan += [
            Example("consultations_public_comments_list", "consultations_public_comments_list",
                    url(f"{API}{closed.pk}/comments/", site=PROVINCE, limit=3),
                    "征求意见期结束后:审核通过的意见内容"),
            Example("consultations_report_retrieve", "consultations_report_retrieve",
                    url(f"{API}{closed.pk}/report/", site=PROVINCE),
                    "意见采纳情况:每条意见数、采纳情况与理由、修改的条文及促成修改的意见、逐条比较"),
        ]  # fmt: skip
    comment = (
        Comment.objects.filter(consultation=closed, author__isnull=False).first()
        if closed
        else None
    )
    if comment:
        auth = _auth(comment.author, "comments")
        plan += [
            Example("consultations_comments_list", "consultations_comments_list",
                    url(f"{API}comments/", site=PROVINCE), "带令牌:我的意见及其采纳情况", headers=auth),
            Example("consultations_comments_retrieve", "consultations_comments_retrieve",
                    url(f"{API}comments/{comment.pk}/", site=PROVINCE), "我的一条意见", headers=auth),
        ]  # fmt: skip
    proposal = Proposal.objects.filter(call__site__profile__division_code=COUNTY,
                                       author__isnull=False).first()  # fmt: skip
    if proposal:
        auth = _auth(proposal.author, "proposals")
        plan += [
            Example("consultations_proposals_list", "consultations_proposals_list",
                    url(f"{API}proposals/", site=COUNTY), "带令牌:我的项目建议及处理结果", headers=auth),
            Example("consultations_proposals_retrieve", "consultations_proposals_retrieve",
                    url(f"{API}proposals/{proposal.pk}/", site=COUNTY), "我的一个项目建议", headers=auth),
        ]  # fmt: skip
    return plan
