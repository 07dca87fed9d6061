"""What happens to a consultation: versions saved from a parsed draft, publication, the
window opened and closed by the scheduler, comments decided (alone or grouped), the
feedback report published, proposals to a call decided.

Every move is audited (``cms.services.audit``); the window's sweep is
``consultations.window`` (hourly), idempotent: it moves only what is due.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete
from django.utils import timezone

from cms.services import apicache, audit, notifications
from cms.services.tasks import task

from . import report, structure
from .models import (
    Comment,
    Consultation,
    Decision,
    Kind,
    Outcome,
    Proposal,
    Provision,
    Result,
    Stage,
    Status,
    Version,
)

ACTIONS = {
    "consultations.published": "发布征求意见",
    "consultations.opened": "征求意见开始",
    "consultations.closed": "征求意见结束",
    "consultations.version_added": "上传草案新版本",
    "consultations.decided": "处理意见(采纳情况)",
    "consultations.report_published": "发布意见采纳情况",
    "consultations.proposal_decided": "处理项目建议",
}


#: Commenters and proposers hear that the office's answers (the report) are published.
REPORT_KIND = "consultations.report"


def connect() -> None:
    from cms.services import schedule

    notifications.register_kind(REPORT_KIND, "征求意见处理情况已公布")
    for action, label in ACTIONS.items():
        audit.register_action(action, label)
    schedule.register_sweep("consultations.window", window_sweep, every=dt.timedelta(hours=1))
    from cms.services.moderation import moderation_decided

    moderation_decided.connect(_moderated, sender=Comment, dispatch_uid="consultations_comment")
    # Comments empty no cache when saved (Comment.affects_public_api): a deletion does.
    post_delete.connect(_comment_deleted, sender=Comment, dispatch_uid="consultations_comment_del")
    moderation_decided.connect(
        _proposal_moderated, sender=Proposal, dispatch_uid="consultations_proposal"
    )


def _moderated(sender, record, **kwargs) -> None:
    """A moderator passed or refused a held comment: the public counts change (and a
    published report's, when the office moderates late)."""
    if record.consultation.report_published_at is not None:
        report.store_report(record.consultation)
    apicache.invalidate_sites(_code(record.site_id))


def _comment_deleted(sender, instance, **kwargs) -> None:
    apicache.invalidate_sites(_code(instance.site_id))


def _proposal_moderated(sender, record, **kwargs) -> None:
    """A proposal passed late changes a published call's report."""
    if record.call.report_published_at is not None:
        report.store_report(record.call)
        apicache.invalidate_sites(_code(record.site_id))


def _code(site_id: int) -> str:
    from wagtail.models import Site

    return Site.objects.select_related("profile").get(pk=site_id).profile.division_code


# --- versions ---------------------------------------------------------------------------


def _place(path: list[structure.Node]) -> str:
    return " / ".join(f"{n.label} {n.heading}".strip() for n in path)


@transaction.atomic
def save_version(consultation: Consultation, draft: structure.Draft, *, stage: str = Stage.FIRST,
                 note: str = "", user=None) -> Version:  # fmt: skip
    """A new version of ``consultation`` holding ``draft``'s tree (a few bulk inserts)."""
    if not draft.articles:
        raise ValidationError("草案中没有识别出任何条文。")
    last = consultation.versions.order_by("-number").first()
    version = Version.objects.create(
        consultation=consultation, number=(last.number + 1) if last else 1, stage=stage,
        title=draft.title or consultation.title, preamble="\n".join(draft.preamble), note=note,
    )  # fmt: skip
    positions = {id(node): index for index, node in enumerate(draft.walk(), start=1)}
    # (node, parent row, its article row, the headings above it)
    level: list[tuple] = [(node, None, None, []) for node in draft.nodes]
    while level:  # one bulk insert per depth: parents get their ids before their children
        rows = [
            Provision(
                version=version, parent=parent, article=article, kind=node.kind,
                number=node.number, position=positions[id(node)], label=node.label,
                heading=node.heading,
                text=node.full_text() if node.kind == structure.ARTICLE else node.text,
                place=_place(path) if node.kind == structure.ARTICLE else "",
            )
            for node, parent, article, path in level
        ]  # fmt: skip
        Provision.objects.bulk_create(rows)
        following = []
        for row, (node, _parent, article, path) in zip(rows, level, strict=True):
            child_article = row if node.kind == structure.ARTICLE else article
            child_path = [*path, node] if node.kind in structure.HEADINGS else path
            following += [(child, row, child_article, child_path) for child in node.children]
        level = following
    from .search import sync_articles

    sync_articles(consultation.pk)  # bulk inserts fire no signals: index the articles here
    report.store_report(consultation)  # a published report compares the first and last versions
    audit.audit(consultation, "consultations.version_added", user=user,
                data={"version": version.number, "stage": stage,
                      "articles": len(draft.articles)})  # fmt: skip
    return version


def version_articles(version: Version) -> list[Provision]:
    return list(version.provisions.filter(kind=structure.ARTICLE).order_by("position"))


# --- publication and the window ---------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def publish(consultation: Consultation, user=None) -> Consultation:
    """Out of 未发布: open now if the window has begun, else scheduled."""
    if consultation.status != Status.DRAFT:
        raise ValidationError("已经发布过了。")
    if consultation.kind == Kind.DRAFT and not consultation.versions.exists():
        raise ValidationError("请先导入草案文本。")
    consultation.full_clean()
    today = _today()
    if consultation.closes_on < today:
        raise ValidationError("截止日期已过,不能发布。")
    consultation.status = Status.OPEN if consultation.opens_on <= today else Status.SCHEDULED
    consultation.save(update_fields=["status"])
    audit.audit(consultation, "consultations.published", user=user,
                data={"status": consultation.status})  # fmt: skip
    return consultation


def run_window(today: dt.date | None = None) -> dict[str, int]:
    """Open the scheduled consultations whose window has begun, close the open ones
    whose last day has passed. Running it twice the same day changes nothing."""
    today = today or _today()
    moved = {"opened": 0, "closed": 0}
    for consultation in Consultation.objects.filter(status=Status.SCHEDULED, opens_on__lte=today):
        new = Status.CLOSED if consultation.closes_on < today else Status.OPEN
        consultation.status = new
        consultation.save(update_fields=["status"])
        audit.audit(consultation, "consultations.opened", data={"on": today.isoformat()})
        moved["opened"] += 1
        if new == Status.CLOSED:
            moved["closed"] += 1
    for consultation in Consultation.objects.filter(status=Status.OPEN, closes_on__lt=today):
        consultation.status = Status.CLOSED
        consultation.save(update_fields=["status"])
        audit.audit(consultation, "consultations.closed", data={"on": today.isoformat()})
        moved["closed"] += 1
    return moved


@task()
def window_sweep() -> dict[str, int]:
    return run_window()


# --- decisions and the report -----------------------------------------------------------


@transaction.atomic
def decide(consultation: Consultation, comment_ids: list[int], *, result: str, reason: str,
           changed_provision: Provision | None = None, user=None) -> Decision:  # fmt: skip
    """One decision for a group of comments (or one); a comment decided before moves to it."""
    if consultation.kind != Kind.DRAFT:
        raise ValidationError("只有法规草案征求意见需要处理意见。")
    if consultation.status != Status.CLOSED:
        raise ValidationError("征求意见期结束后才能处理意见。")
    if result not in Result.values:
        raise ValidationError("请选择采纳情况。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写理由,它将随意见采纳情况公开。")
    comments = list(Comment.objects.filter(consultation=consultation, pk__in=comment_ids,
                                           moderation_status="approved"))  # fmt: skip
    if not comments or len(comments) != len(set(comment_ids)):
        raise ValidationError("请选择本次征求意见中已审核通过的意见。")
    if changed_provision is not None:
        if changed_provision.version.consultation_id != consultation.pk:
            raise ValidationError("修改的条文须是本草案的条文。")
        if result == Result.NOT_ADOPTED:
            raise ValidationError("未采纳的意见不对应修改的条文。")
    decision = Decision.objects.create(
        consultation=consultation, result=result, reason=reason[:2000],
        changed_provision=changed_provision, decided_by=user,
    )  # fmt: skip
    old = {c.decision_id for c in comments if c.decision_id}
    Comment.objects.filter(pk__in=[c.pk for c in comments]).update(decision=decision)
    Decision.objects.filter(pk__in=old, comments__isnull=True).delete()  # emptied groups
    audit.audit(consultation, "consultations.decided", user=user,
                data={"decision": decision.pk, "result": result, "comments": len(comments)})  # fmt: skip
    report.store_report(consultation)  # a decision after publication changes the report
    apicache.invalidate_sites(_code(consultation.site_id))
    return decision


def publish_report(consultation: Consultation, user=None, summary: str = "") -> Consultation:
    if consultation.status != Status.CLOSED:
        raise ValidationError("征求意见期结束后才能发布反馈报告。")
    if consultation.kind == Kind.DRAFT:
        waiting = consultation.comments.filter(moderation_status="approved", decision__isnull=True)
    else:
        waiting = consultation.proposals.filter(moderation_status="approved", outcome="")
    if waiting.exists():
        raise ValidationError(f"还有 {waiting.count()} 条未处理,全部处理后才能发布。")
    consultation.report_published_at = timezone.now()
    if summary:
        consultation.report_summary = summary
    consultation.save(update_fields=["report_published_at", "report_summary"])
    report.store_report(consultation)
    _notify_report(consultation)
    audit.audit(consultation, "consultations.report_published", user=user)
    return consultation


def _notify_report(consultation: Consultation) -> None:
    """Each author of an approved comment (or proposal) hears once that the office's answer
    is public; their own decisions are in "我的意见" ("我的项目建议")."""
    from django.contrib.auth import get_user_model

    if consultation.kind == Kind.DRAFT:
        records, what, mine = consultation.comments, "意见", "我的意见"
    else:
        records, what, mine = consultation.proposals, "项目建议", "我的项目建议"
    authors = records.filter(moderation_status="approved", author__isnull=False).values("author_id")
    users = list(get_user_model().objects.filter(pk__in=authors, is_active=True))
    if users:
        notifications.notify(
            users, "征求意见处理情况已公布",
            f"您对“{consultation.title}”提出的{what}已有处理结果,"
            f"处理情况已公布,可在“{mine}”中查看。",
            kind=REPORT_KIND, site=consultation.site,
            url=f"pages/consultation/report?id={consultation.pk}",
            dedupe_key=f"consultation:{consultation.pk}:report",
            consultation=consultation.pk,
        )  # fmt: skip


def decide_proposal(proposal: Proposal, *, outcome: str, reason: str, merged_into: str = "",
                    user=None) -> Proposal:  # fmt: skip
    if proposal.call.status != Status.CLOSED:
        raise ValidationError("征集期结束后才能处理项目建议。")
    if outcome not in Outcome.values:
        raise ValidationError("请选择处理结果。")
    if not (reason or "").strip():
        raise ValidationError("请填写处理说明,它将随结果公开。")
    if outcome == Outcome.MERGED and not merged_into.strip():
        raise ValidationError("合并列入须写明并入的项目。")
    proposal.outcome, proposal.outcome_reason = outcome, reason.strip()[:2000]
    proposal.merged_into = merged_into.strip() if outcome == Outcome.MERGED else ""
    proposal.decided_by, proposal.decided_at = user, timezone.now()
    proposal.save(update_fields=["outcome", "outcome_reason", "merged_into", "decided_by",
                                 "decided_at"])  # fmt: skip
    audit.audit(proposal.call, "consultations.proposal_decided", user=user,
                data={"proposal": proposal.pk, "outcome": outcome})  # fmt: skip
    report.store_report(proposal.call)
    return proposal
