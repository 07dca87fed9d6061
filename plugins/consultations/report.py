"""Payloads read in bulk: the structured draft with per-article counts, and the feedback
report (意见采纳情况). Each is a fixed handful of queries whatever the number of
comments: counts come from one grouped query, never a query per article.

Counts are of approved comments only (a held one is not counted until a moderator
passes it); a deputy's comment counts in ``deputies`` as well as in ``total``.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from . import compare as comparing
from . import structure
from .models import Comment, Consultation, Decision, Kind, Provision, Result, Version

APPROVED = "approved"
RESULTS = tuple(Result.values)  # (a TextChoices' .values builds a new list on every call)
#: A changed clause lists at most this many of the comments behind it (the rest: ``?decision=``).
COMMENTS_PER_CLAUSE = 10


def _local(value):
    """A datetime in the API's time zone (Asia/Shanghai), as DRF's fields give it."""
    return timezone.localtime(value).isoformat() if value else None


def article_counts(consultation: Consultation) -> dict[int | None, dict[str, int]]:
    """{article id (None: the whole draft): {"total", "deputies"}}: one grouped query."""
    rows = (
        Comment.objects.filter(consultation=consultation, moderation_status=APPROVED)
        .values("article_id")
        .annotate(total=Count("id"), deputies=Count("id", filter=Q(as_deputy=True)))
        .order_by()
    )
    return {r["article_id"]: {"total": r["total"], "deputies": r["deputies"]} for r in rows}


def tree(version: Version, counts: dict | None = None) -> list[dict]:
    """The version's provisions nested as the draft is (one query); articles carry their
    counts when ``counts`` is given."""
    rows = list(
        Provision.objects.filter(version=version)
        .order_by("position")
        .values("id", "parent_id", "kind", "number", "label", "heading", "text", "place")
    )
    nodes, roots = {}, []
    for row in rows:
        node = {"id": row["id"], "kind": row["kind"], "number": row["number"],
                "label": row["label"], "heading": row["heading"],
                "text": "" if row["kind"] in structure.HEADINGS else row["text"],
                "children": []}  # fmt: skip
        if row["kind"] == structure.ARTICLE:
            node["text"] = ""  # an article's text is its paragraphs'
            if counts is not None:
                found = counts.get(row["id"], {"total": 0, "deputies": 0})
                node["comments"] = {"total": found["total"], "deputies": found["deputies"]}
        nodes[row["id"]] = node
        parent = nodes.get(row["parent_id"])
        (parent["children"] if parent else roots).append(node)
    return roots


def _version_payload(version: Version) -> dict:
    return {"id": version.pk, "number": version.number, "stage": version.stage,
            "stage_label": version.get_stage_display(), "title": version.title,
            "preamble": version.preamble, "note": version.note}  # fmt: skip


def draft_payload(consultation: Consultation, version: Version) -> dict:
    counts = article_counts(consultation)
    whole = counts.get(None, {"total": 0, "deputies": 0})
    total = sum(c["total"] for c in counts.values())
    deputies = sum(c["deputies"] for c in counts.values())
    return {
        "version": _version_payload(version),
        "comments": {
            "total": total,
            "deputies": deputies,
            "citizens": total - deputies,
            "whole_draft": whole["total"],
        },  # fmt: skip
        "provisions": tree(version, counts),
    }


def _articles(version: Version) -> list[comparing.Article]:
    rows = Provision.objects.filter(version=version, kind=structure.ARTICLE).order_by("position")
    return [comparing.Article(r.number, r.text, r.place, r.pk) for r in rows]


def comparison(old: Version, new: Version) -> dict:
    changes = comparing.compare(_articles(old), _articles(new))
    return {
        "from": _version_payload(old),
        "to": _version_payload(new),
        "summary": comparing.summary(changes),
        "changes": [c.as_dict() | {
            "old_label": structure.label(structure.ARTICLE, c.old.number) if c.old else "",
            "new_label": structure.label(structure.ARTICLE, c.new.number) if c.new else "",
            "old_text": c.old.text if c.old else "", "new_text": c.new.text if c.new else "",
        } for c in changes if c.status != comparing.UNCHANGED],
    }  # fmt: skip


def feedback_report(consultation: Consultation) -> dict:
    """意见采纳情况: counts per article, the decisions with their reasons, and for each
    changed clause of a later version the comments that caused it."""
    if consultation.kind != Kind.DRAFT:
        return proposals_report(consultation)
    versions = list(consultation.versions.order_by("number"))
    approved = Comment.objects.filter(consultation=consultation, moderation_status=APPROVED)
    decisions = {
        d["id"]: d
        for d in Decision.objects.filter(consultation=consultation)
        .order_by("pk")
        .values("id", "result", "reason", "changed_provision_id")
    }
    # Per article and decision: one grouped query gives the articles' counts by result,
    # the decisions' counts and the articles each decision concerns.
    grouped = (
        approved.values("article_id", "decision_id")
        .annotate(total=Count("id"), deputies=Count("id", filter=Q(as_deputy=True)))
        .order_by()
    )
    per_article: dict = {}
    per_decision: dict[int, dict] = {}
    totals = {"total": 0, "deputies": 0, **dict.fromkeys(RESULTS, 0), "undecided": 0}
    for row in grouped:
        entry = per_article.setdefault(row["article_id"], {"total": 0, "deputies": 0,
                                                          **dict.fromkeys(RESULTS, 0)})  # fmt: skip
        entry["total"] += row["total"]
        entry["deputies"] += row["deputies"]
        totals["total"] += row["total"]
        totals["deputies"] += row["deputies"]
        decision = decisions.get(row["decision_id"])
        key = decision["result"] if decision else "undecided"
        if decision:
            entry[key] += row["total"]
            counted = per_decision.setdefault(
                decision["id"], {"n": 0, "deputies": 0, "articles": set()}
            )
            counted["n"] += row["total"]
            counted["deputies"] += row["deputies"]
            counted["articles"].add(row["article_id"])
        totals[key] += row["total"]
    totals["citizens"] = totals["total"] - totals["deputies"]
    wanted = {k for k in per_article if k is not None}
    wanted |= {d["changed_provision_id"] for d in decisions.values() if d["changed_provision_id"]}
    provisions = {
        p["id"]: p
        for p in Provision.objects.filter(pk__in=wanted).values(
            "id", "label", "place", "number", "text", "version__number"
        )
    }
    article_rows = [
        {"id": pk, "label": provisions[pk]["label"], "place": provisions[pk]["place"],
         "version": provisions[pk]["version__number"], **counts}
        for pk, counts in per_article.items() if pk in provisions
    ]  # fmt: skip
    article_rows.sort(key=lambda r: (r["version"], provisions[r["id"]]["number"]))
    whole = per_article.get(None)

    labels = {value: str(label) for value, label in Result.choices}  # once, not per row
    decision_rows = []
    for d in decisions.values():
        counted = per_decision.get(d["id"], {"n": 0, "deputies": 0, "articles": set()})
        changed = provisions.get(d["changed_provision_id"])
        decision_rows.append({
            "id": d["id"], "result": d["result"], "result_label": labels[d["result"]],
            "reason": d["reason"], "comments": counted["n"], "deputy_comments": counted["deputies"],
            "articles": sorted((provisions[a]["label"] if a in provisions else "草案整体")
                               for a in counted["articles"]),
            "changed_provision": {"id": changed["id"], "label": changed["label"],
                                  "version": changed["version__number"]} if changed else None,
        })  # fmt: skip

    # For each changed clause: its text and the comments behind it (the first few).
    behind = (
        approved.filter(decision__changed_provision__isnull=False)
        .annotate(changed=F("decision__changed_provision_id"),
                  rank=Window(RowNumber(), partition_by=F("decision__changed_provision_id"),
                              order_by=F("pk").asc()))
        .filter(rank__lte=COMMENTS_PER_CLAUSE)
        .values("id", "text", "as_deputy", "changed", "decision_id", "article__label")
    )  # fmt: skip
    clauses: dict[int, dict] = {}
    for row in decision_rows:
        changed = row["changed_provision"]
        if changed is None:
            continue
        p = provisions[changed["id"]]
        clause = clauses.setdefault(p["id"], {
            "id": p["id"], "label": p["label"], "version": p["version__number"], "text": p["text"],
            "decisions": [], "comment_count": 0, "comments": [],
        })  # fmt: skip
        clause["decisions"].append(row["id"])
        clause["comment_count"] += row["comments"]
    for row in behind:
        clause = clauses.get(row["changed"])
        if clause is not None:
            clause["comments"].append({"id": row["id"], "text": row["text"],
                                       "as_deputy": row["as_deputy"],
                                       "article": row["article__label"] or "草案整体",
                                       "decision": row["decision_id"]})  # fmt: skip
    return {
        "summary": consultation.report_summary,
        "published_at": _local(consultation.report_published_at),
        "totals": totals,
        "whole_draft": whole or {"total": 0, "deputies": 0, **dict.fromkeys(RESULTS, 0)},
        "articles": article_rows,
        "decisions": decision_rows,
        "changed_clauses": sorted(clauses.values(), key=lambda c: (c["version"], c["id"])),
        "comparison": comparison(versions[0], versions[-1]) if len(versions) > 1 else None,
    }


def store_report(consultation: Consultation) -> None:
    """Build the published report once and keep it (``Consultation.report_json``): it changes
    only when the office decides, adds a version or a moderator passes a held comment, and
    each of those calls this again. Nothing is stored before publication."""
    if consultation.report_published_at is None:
        return
    text = json.dumps(feedback_report(consultation), cls=DjangoJSONEncoder, ensure_ascii=False)
    consultation.report_json = text
    Consultation.objects.filter(pk=consultation.pk).update(report_json=text)


def stored_report(consultation: Consultation) -> dict:
    """The published report as stored (built now, and stored, if it never was)."""
    if not consultation.report_json:
        store_report(consultation)
    data = json.loads(consultation.report_json)
    # The consultation's own fields as they are now (the edit form can change the summary).
    data["summary"] = consultation.report_summary
    data["published_at"] = _local(consultation.report_published_at)
    return data


def proposals_report(call: Consultation) -> dict:
    """A call's outcome: each approved proposal with its result and reasons (no names)."""
    rows = call.proposals.filter(moderation_status=APPROVED).order_by("pk")
    items, totals = [], {"total": 0, "included": 0, "merged": 0, "not_included": 0}
    for p in rows:
        totals["total"] += 1
        if p.outcome:
            totals[p.outcome] += 1
        items.append({"id": p.pk, "title": p.title, "reasons": p.reasons, "content": p.content,
                      "proposer_type": p.proposer_type,
                      "proposer_type_label": p.get_proposer_type_display(),
                      "outcome": p.outcome, "outcome_label": p.get_outcome_display(),
                      "outcome_reason": p.outcome_reason, "merged_into": p.merged_into})  # fmt: skip
    return {"summary": call.report_summary, "published_at": _local(call.report_published_at),
            "totals": totals, "proposals": items}  # fmt: skip
