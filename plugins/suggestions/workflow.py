"""The moves of a suggestion from one state to the next, each in the append-only history.

Who may make a move is checked by the caller (the API for deputies, the admin
views for the office and the units); this module checks that the move is
allowed from the current state, records it, and does what comes with it:
the reply clock (``cms.services.deadlines``), the deputy's duty record
(``cms.services.performance``) and the notifications (``cms.services.notifications``).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cms.services import apicache, deadlines, directory, notifications, performance

from .models import (
    Assignment,
    Contact,
    CoSigner,
    Kind,
    MergeGroup,
    MotionRule,
    Rating,
    RatingResult,
    ReplyClass,
    ReplyDraft,
    State,
    Suggestion,
    Transition,
)

logger = logging.getLogger(__name__)

REPLY_RULE = "suggestion.reply"
REHANDLING_RULE = "suggestion.rehandling"
CO_HANDLING_RULE = "suggestion.co_handling"
CONTACT_RULE = "suggestion.contact_deputy"
SOURCE = "suggestions"

#: state → the states it may move to.
MOVES: dict[str, tuple[str, ...]] = {
    State.DRAFT: (State.SUBMITTED, State.WITHDRAWN),
    State.SUBMITTED: (State.ACCEPTED, State.RETURNED, State.WITHDRAWN),
    State.ACCEPTED: (State.ASSIGNED, State.AGENDA, State.WITHDRAWN),
    State.RETURNED: (),
    State.ASSIGNED: (State.REPLIED, State.ACCEPTED),  # back to the office: all units returned it
    State.REPLIED: (State.RATED, State.REHANDLING, State.CLOSED),
    State.REHANDLING: (State.REPLIED,),
    State.RATED: (State.CLOSED,),
    State.CLOSED: (),
    State.WITHDRAWN: (),
    State.AGENDA: (State.CLOSED,),
}

NOTIFY_KINDS = {
    "suggestions.accepted": "议案建议已立案",
    "suggestions.returned": "议案建议被退回",
    "suggestions.assigned": "议案建议已交办",
    "suggestions.replied": "议案建议已答复",
    "suggestions.cosign": "邀请附议",
    "suggestions.unit_assigned": "收到交办的议案建议",
    "suggestions.presidium": "主席团对议案的决定",
    "suggestions.co_opinion": "协办单位提出意见",
    "suggestions.draft": "答复稿待签发",
    "suggestions.draft_sent_back": "答复稿退回修改",
}


def may_read_upload(user, upload) -> bool:
    """The private attachments this plugin's records give to people other than their owner
    (``cms.services.uploads.register_reader``): the deputies an item belongs to (its lead and
    confirmed co-signers) read its attachments and its reply's; the units it is assigned to
    read the deputy's attachments; a unit's members read its reply drafts' attachments."""
    from django.db.models import Q

    deputies = Q(author=user) | Q(cosigners__user=user, cosigners__confirmed_at__isnull=False)
    units = Q(assignments__unit__members=user, assignments__returned_at__isnull=True)
    items = Suggestion.objects.filter(site_id=upload.site_id)
    return (
        items.filter(deputies, Q(attachments=upload) | Q(reply_attachments=upload)).exists()
        or items.filter(units, attachments=upload).exists()
        or ReplyDraft.objects.filter(attachments=upload, unit__members=user).exists()
    )


def connect() -> None:
    """Notification kinds and reminder recipients (from ``SuggestionsConfig.ready``)."""
    for kind, label in NOTIFY_KINDS.items():
        notifications.register_kind(kind, label)
    deadlines.register_reminder_recipients(REPLY_RULE, lead_unit_staff)
    deadlines.register_reminder_recipients(REHANDLING_RULE, lead_unit_staff)
    deadlines.register_reminder_recipients(CONTACT_RULE, lead_unit_staff)


def lead_unit_staff(clock) -> list:
    """Who is reminded of a suggestion's reply clock: the lead unit's staff."""
    suggestion = clock.target
    if suggestion is None:
        return []
    lead = suggestion.lead_assignment
    return list(lead.unit.members.filter(is_active=True)) if lead else []


class MoveRefused(ValidationError):
    """A move that the current state does not allow (the message says why, in Chinese)."""


def _name(user) -> str:
    if user is None:
        return "系统"
    account = getattr(user, "account", None)
    name = getattr(account, "display_name", "") if account is not None else ""
    return name or user.get_full_name() or user.get_username()


def move(suggestion: Suggestion, to: str, user, note: str = "", **fields) -> Suggestion:
    """Change ``suggestion``'s state to ``to`` (with ``fields``) and record the change."""
    current = suggestion.state
    if to not in MOVES.get(current, ()):
        raise MoveRefused(f"“{State(current).label}”的议案建议不能改为“{State(to).label}”。")
    for key, value in fields.items():
        setattr(suggestion, key, value)
    suggestion.state = to
    suggestion.save()
    Transition.objects.create(
        suggestion=suggestion, actor=user if getattr(user, "pk", None) else None,
        actor_name=_name(user), from_state=current, to_state=to, note=note,
    )  # fmt: skip
    return suggestion


def _notify_deputies(
    suggestion: Suggestion, kind: str, subject: str, body: str, key: str = ""
) -> None:
    users = [suggestion.author] if suggestion.author_id else []
    users += [c.user for c in suggestion.cosigners.all() if c.user_id and c.confirmed_at]
    if users:
        notifications.notify(
            users, subject, body, kind=kind, site=suggestion.site,
            url=f"pages/suggestion/detail?id={suggestion.pk}",
            dedupe_key=f"suggestion:{suggestion.pk}:{kind}:{suggestion.round}{key}",
        )  # fmt: skip


def _record(deputy_ref: str, kind: str, date: dt.date, title: str, ref: str, code: str) -> None:
    """A duty-record entry (the deputies plugin keeps the record, when installed)."""
    if not deputy_ref or not performance.is_available():
        return
    entry = {"deputy_id": int(deputy_ref), "kind": kind, "date": date, "title": title,
             "source": SOURCE, "source_ref": ref}  # fmt: skip
    try:
        try:
            performance.add_entry(**entry, division_code=code or None)
        except performance.PerformanceRecordError:
            # A township deputy's seat is on the county's site but not in its congress.
            performance.add_entry(**entry)
    except (performance.PerformanceRecordError, ValueError) as error:
        logger.warning("duty record not written for suggestion %s: %s", ref, error)


def _code(suggestion: Suggestion) -> str:
    profile = getattr(suggestion.site, "profile", None)
    return getattr(profile, "division_code", "")


# --- deputies ------------------------------------------------------------------------


def current_seat_codes(user, site_id: int) -> bool:
    return any(seat.current and seat.site_id == site_id for seat in directory.seats_of(user))


def deputy_ref(user) -> str:
    account = getattr(user, "account", None)
    return str(getattr(account, "directory_ref", "") or "")


def invite_cosigners(suggestion: Suggestion, refs: list[str]) -> list[CoSigner]:
    """Co-signers named by their directory id: deputies with a current seat on the site."""
    rows = []
    for ref in dict.fromkeys(str(r) for r in refs):
        person = directory.person(ref)
        if person is None or not any(
            s.current and s.site_id == suggestion.site_id for s in person.seats
        ):
            raise ValidationError({"cosigners": f"编号为 {ref} 的代表不是本级人大的在任代表。"})
        if ref == suggestion.deputy_ref:
            raise ValidationError({"cosigners": "领衔代表不必附议自己的议案建议。"})
        rows.append(
            CoSigner.objects.create(suggestion=suggestion, deputy_ref=ref, name=person.name)
        )
    _notify_invited(suggestion, rows)
    return rows


def _notify_invited(suggestion: Suggestion, rows: list[CoSigner]) -> None:
    """The invited deputies who have an account hear of it (they confirm in the mini-program)."""
    from django.contrib.auth import get_user_model

    refs = [row.deputy_ref for row in rows]
    users = list(get_user_model().objects.filter(account__directory_ref__in=refs, is_active=True))
    if users:
        notifications.notify(
            users, "邀请附议", f"{suggestion.deputy_name}代表邀请您附议“{suggestion.title}”,请确认。",
            kind="suggestions.cosign", site=suggestion.site,
            url=f"pages/suggestion/detail?id={suggestion.pk}",
            dedupe_key=f"suggestion:{suggestion.pk}:cosign:" + ",".join(sorted(refs)),
        )  # fmt: skip


def edit_draft(suggestion: Suggestion, user, changes: dict, cosigners=None) -> Suggestion:
    """The lead deputy changes a draft: title, text, kind, period, attachments, and the
    co-signers (those still named keep their confirmation, the others are dropped, new
    ones invited). The new text is screened again, as a new submission is."""
    from cms.services import moderation

    if suggestion.state != State.DRAFT:
        raise MoveRefused("只有草稿可以修改;已提交的议案建议请撤回后重新提出。")
    with transaction.atomic():
        changes = dict(changes)
        attachments = changes.pop("attachments", None)
        for name, value in changes.items():
            setattr(suggestion, name, value)
        suggestion.save()
        if attachments is not None:
            suggestion.attachments.set(attachments)
        if cosigners is not None:
            named = list(dict.fromkeys(str(ref) for ref in cosigners))
            suggestion.cosigners.exclude(deputy_ref__in=named).delete()
            have = set(suggestion.cosigners.values_list("deputy_ref", flat=True))
            invite_cosigners(suggestion, [ref for ref in named if ref not in have])
        moderation.submit(suggestion, site=suggestion.site, author=suggestion.author)
        Transition.objects.create(suggestion=suggestion, actor=user, actor_name=_name(user),
                                  from_state=State.DRAFT, to_state=State.DRAFT,
                                  note="代表修改草稿")  # fmt: skip
    return suggestion


def move_created(suggestion: Suggestion, user) -> None:
    """The first line of the history: written by the deputy, or entered from paper by staff."""
    note = "工作人员代录纸质议案建议" if suggestion.on_paper else "代表起草"
    Transition.objects.create(suggestion=suggestion, actor=user, actor_name=_name(user),
                              from_state="", to_state=suggestion.state, note=note)  # fmt: skip


def motion_signers(suggestion: Suggestion) -> tuple[int, int, int]:
    """A motion's signers: ``(confirmed, invited, required)``, the lead deputy counted
    in the first two; ``required`` is the level's minimum (``MotionRule``)."""
    rows = list(suggestion.cosigners.all())
    confirmed = 1 + sum(1 for row in rows if row.confirmed_at)
    return confirmed, 1 + len(rows), MotionRule.signers_for(suggestion.site)


def submit(suggestion: Suggestion, user) -> Suggestion:
    if suggestion.kind == Kind.MOTION:
        _confirmed, invited, required = motion_signers(suggestion)
        if invited < required:
            raise ValidationError({"cosigners": f"议案须由{required}名以上代表联名提出(含领衔代表),"
                                                f"现有{invited}名;请邀请更多代表附议,或改为建议。"})  # fmt: skip
    with transaction.atomic():
        move(suggestion, State.SUBMITTED, user, submitted_at=timezone.now())
        kind = "motion" if suggestion.kind == Kind.MOTION else "suggestion"
        _record(suggestion.deputy_ref, kind, timezone.localdate(), suggestion.title,
                f"{suggestion.pk}", _code(suggestion))  # fmt: skip
    return suggestion


def confirm_cosign(suggestion: Suggestion, user) -> CoSigner:
    ref = deputy_ref(user)
    row = suggestion.cosigners.filter(deputy_ref=ref).first() if ref else None
    if row is None:
        raise MoveRefused("您没有被邀请附议这件议案建议。")
    if suggestion.state in (State.RETURNED, State.WITHDRAWN, State.CLOSED):
        raise MoveRefused("这件议案建议已不能附议。")
    if row.confirmed_at is None:
        row.user, row.confirmed_at = user, timezone.now()
        row.save(update_fields=["user", "confirmed_at"])
        Transition.objects.create(
            suggestion=suggestion, actor=user, actor_name=_name(user), from_state=suggestion.state,
            to_state=suggestion.state, note=f"{row.name}确认附议",
        )  # fmt: skip
        kind = "motion" if suggestion.kind == Kind.MOTION else "suggestion"
        _record(ref, kind, timezone.localdate(), f"附议:{suggestion.title}",
                f"{suggestion.pk}:cosign:{ref}", _code(suggestion))  # fmt: skip
    return row


def withdraw(suggestion: Suggestion, user, note: str = "") -> Suggestion:
    with transaction.atomic():
        move(suggestion, State.WITHDRAWN, user, note or "领衔代表撤回")
        if suggestion.submitted_at and performance.is_available():
            performance.remove_entry(source=SOURCE, source_ref=str(suggestion.pk))
    return suggestion


def raters(suggestion: Suggestion) -> list:
    """The accounts that rate each reply: the lead deputy and every confirmed co-signer."""
    users = [suggestion.author] if suggestion.author_id else []
    return users + [c.user for c in suggestion.cosigners.all() if c.user_id and c.confirmed_at]


def rating_note(name: str, result: str, comment: str = "") -> str:
    """The history line of a rating: "张伟评价:不满意。意见"."""
    return f"{name}评价:{RatingResult(result).label}" + (f"。{comment}" if comment else "")


def after_rating(results, waiting: bool) -> str:
    """The state a reply's ratings leave the item in: the one rule of :func:`rate`, which the
    import of past sessions follows too. A 不满意 (from the lead deputy or any co-signer)
    sends the reply back for re-handling at once, and nobody rates that reply after it;
    otherwise the item is 已评价 when nobody is left to rate (``waiting`` false), and stays
    已答复 while someone is."""
    if RatingResult.UNSATISFIED in results:
        return State.REHANDLING
    return State.REPLIED if waiting else State.RATED


def send_back(suggestion: Suggestion, user, note: str, on: dt.date | None = None) -> Suggestion:
    """A 不满意 rating sends the reply back: the item is re-handled and the re-handling clock
    (``REHANDLING_RULE``) starts, counted from ``on`` (the rating's day; today by default).
    The lead unit's next reply (:func:`record_reply`) stops it."""
    move(suggestion, State.REHANDLING, user, note)
    deadlines.start(suggestion, REHANDLING_RULE, suggestion.site, start=on)
    return suggestion


def rate(suggestion: Suggestion, user, result: str, comment: str = "") -> Rating:
    if suggestion.state != State.REPLIED:
        raise MoveRefused("只能评价已答复的议案建议。")
    if user.pk not in {u.pk for u in raters(suggestion)}:
        raise MoveRefused("只有领衔代表和确认附议的代表可以评价。")
    if suggestion.ratings.filter(user=user, round=suggestion.round).exists():
        raise MoveRefused("您已评价过本次答复。")
    with transaction.atomic():
        rating = Rating.objects.create(suggestion=suggestion, user=user, deputy_name=_name(user),
                                       round=suggestion.round, result=result, comment=comment)  # fmt: skip
        label = RatingResult(result).label
        ref = deputy_ref(user)
        _record(ref, "other", timezone.localdate(), f"评价办理答复({label}):{suggestion.title}",
                f"{suggestion.pk}:rating:{ref}:{suggestion.round}", _code(suggestion))  # fmt: skip
        note = rating_note(_name(user), result, comment)
        # Earlier ratings of this reply were none of them 不满意 (it would have been sent back).
        waiting = result != RatingResult.UNSATISFIED and bool(
            {u.pk for u in raters(suggestion)}
            - set(suggestion.ratings.filter(round=suggestion.round).values_list("user_id", flat=True))
        )  # fmt: skip
        to = after_rating([result], waiting)
        if to == State.REHANDLING:
            send_back(suggestion, user, note)
        elif to == State.RATED:
            move(suggestion, State.RATED, user, note)
        else:
            Transition.objects.create(suggestion=suggestion, actor=user, actor_name=_name(user),
                                      from_state=suggestion.state, to_state=suggestion.state,
                                      note=note)  # fmt: skip
        # A rating that moves nothing saves no suggestion: the public statistics change anyway.
        apicache.invalidate_sites(_code(suggestion))
    return rating


# --- the office --------------------------------------------------------------------


def accept(suggestion: Suggestion, user, category: str = "") -> Suggestion:
    if suggestion.moderation_status != "approved":
        raise MoveRefused("内容尚待审核,审核通过后才能立案。")
    if suggestion.kind == Kind.MOTION:
        confirmed, _invited, required = motion_signers(suggestion)
        if confirmed < required:
            raise MoveRefused(f"议案须由{required}名以上代表联名,目前确认的只有{confirmed}名"
                              "(含领衔代表),请待附议代表确认后再立案。")  # fmt: skip
    with transaction.atomic():
        fields = {"category": category} if category else {}
        move(suggestion, State.ACCEPTED, user, "审查通过,予以立案", **fields)
        _notify_deputies(suggestion, "suggestions.accepted", "议案建议已立案",
                         f"您提出的“{suggestion.title}”已审查立案。")  # fmt: skip
    return suggestion


def return_to_deputy(suggestion: Suggestion, user, reason: str) -> Suggestion:
    if not reason.strip():
        raise ValidationError({"reason": "请填写退回理由。"})
    with transaction.atomic():
        move(suggestion, State.RETURNED, user, reason, return_reason=reason.strip())
        _notify_deputies(suggestion, "suggestions.returned", "议案建议被退回",
                         f"您提出的“{suggestion.title}”被退回,理由:{reason.strip()}")  # fmt: skip
    return suggestion


def assign(suggestion: Suggestion, user, lead, co_units=(), *, lead_due: dt.date | None = None,
           co_due: dt.date | None = None, on: dt.date | None = None) -> Suggestion:  # fmt: skip
    """Assign (交办) to ``lead`` and ``co_units``; the reply clock starts (3 months by default)."""
    on = on or timezone.localdate()
    if suggestion.kind == Kind.MOTION:
        raise MoveRefused(
            "议案由主席团决定是否列入会议议程,不交承办单位;主席团决定转为建议的,转后再交办。"
        )
    with transaction.atomic():
        move(suggestion, State.ASSIGNED, user, _assign_note(lead, co_units), assigned_on=on)
        clock = deadlines.start(suggestion, REPLY_RULE, suggestion.site, start=on)
        if not suggestion.contacts.exists():
            contact = deadlines.running_clock(suggestion, CONTACT_RULE)
            if contact is None:
                deadlines.start(suggestion, CONTACT_RULE, suggestion.site, start=on)
        Assignment.objects.create(suggestion=suggestion, unit=lead, role=Assignment.Role.LEAD,
                                  due_on=lead_due or clock.due_on)  # fmt: skip
        co_default = deadlines.due_date(CO_HANDLING_RULE, on, suggestion.site)
        for unit in co_units:
            if unit.pk != lead.pk:
                Assignment.objects.create(suggestion=suggestion, unit=unit, role=Assignment.Role.CO,
                                          due_on=co_due or co_default)  # fmt: skip
        # A reassignment (after a unit returned it) is news again.
        times = Assignment.objects.filter(suggestion=suggestion, role=Assignment.Role.LEAD).count()
        _notify_deputies(suggestion, "suggestions.assigned", "议案建议已交办",
                         f"您提出的“{suggestion.title}”已交由{lead}办理。", key=f":{times}")  # fmt: skip
        _notify_units(suggestion, [lead, *co_units], times)
    return suggestion


def _assign_note(lead, co_units) -> str:
    note = f"交办:主办单位{lead}"
    if co_units:
        note += ",协办单位" + "、".join(str(u) for u in co_units)
    return note


def _notify_units(suggestion: Suggestion, units, times: int) -> None:
    users = []
    for unit in units:
        users += list(unit.members.filter(is_active=True))
    if users:
        notifications.notify(
            users, "收到交办的议案建议", f"“{suggestion.title}”已交贵单位办理,请在期限内答复。",
            kind="suggestions.unit_assigned", site=suggestion.site,
            dedupe_key=f"suggestion:{suggestion.pk}:unit_assigned:{times}",
        )  # fmt: skip


def extend(suggestion: Suggestion, user, months: int, reason: str):
    """The office approves a longer reply deadline (at most the rule's maximum, 6 months)."""
    clock = deadlines.running_clock(suggestion, REPLY_RULE)
    if clock is None:
        raise MoveRefused("这件议案建议没有正在计算的答复期限。")
    deadlines.extend(clock, approved_by=user, to=months, reason=reason)
    Transition.objects.create(suggestion=suggestion, actor=user, actor_name=_name(user),
                              from_state=suggestion.state, to_state=suggestion.state,
                              note=f"答复期限延长至{months}个月:{reason}")  # fmt: skip
    return clock


def close(suggestion: Suggestion, user, note: str = "") -> Suggestion:
    if suggestion.commitment_open and State.CLOSED in MOVES.get(suggestion.state, ()):
        raise MoveRefused("答复中承诺的事项尚未落实,确认落实后才能办结。")
    return move(suggestion, State.CLOSED, user, note or "办结")


def _note(suggestion: Suggestion, user, note: str) -> None:
    """A history line that does not change the state."""
    Transition.objects.create(suggestion=suggestion, actor=user if getattr(user, "pk", None)
                              else None, actor_name=_name(user), from_state=suggestion.state,
                              to_state=suggestion.state, note=note)  # fmt: skip


def assign_many(suggestions, user, lead, co_units=(), **dates) -> list[Suggestion]:
    """Bulk assignment: every item to the same units, each with its own clock and history line.

    All or nothing: one item that is not waiting for assignment refuses the whole batch.
    """
    suggestions = list(suggestions)
    if not suggestions:
        raise ValidationError({"items": "请选择要交办的议案建议。"})
    late = [s for s in suggestions if s.state != State.ACCEPTED]
    if late:
        titles = "、".join(f"“{s.title}”" for s in late[:5])
        raise MoveRefused(f"只能交办已立案、待交办的议案建议:{titles}不是。")
    with transaction.atomic():
        for suggestion in suggestions:
            assign(suggestion, user, lead, co_units, **dates)
    return suggestions


def with_groups(suggestions) -> list[Suggestion]:
    """``suggestions`` and, for those in merged handling, their groups' items waiting for
    assignment (assigning one item of a group assigns the group)."""
    items = list(suggestions)
    groups = {s.merge_group_id for s in items if s.merge_group_id}
    if groups:
        seen = {s.pk for s in items}
        others = Suggestion.objects.filter(merge_group_id__in=groups, state=State.ACCEPTED)
        items += [s for s in others.exclude(pk__in=seen).order_by("pk")]
    return items


def assign_with_group(suggestion: Suggestion, user, lead, co_units=(), **dates) -> list[Suggestion]:
    """Assign ``suggestion``; in merged handling, every item of its group waiting for assignment."""
    return assign_many(with_groups([suggestion]), user, lead, co_units, **dates)


# --- merged handling (并案办理) ---------------------------------------------------------

#: The states in which items may still be merged: before the reply.
MERGEABLE = (State.SUBMITTED, State.ACCEPTED, State.ASSIGNED)


def merge(suggestions, user, title: str = "") -> MergeGroup:
    """Link items of the same content into one group handled together (one site only).

    An item already in a group brings its group along: the groups become one.
    """
    suggestions = list(suggestions)
    if len(suggestions) < 2:
        raise ValidationError({"items": "并案办理至少要选择两件议案建议。"})
    if len({s.site_id for s in suggestions}) > 1:
        raise ValidationError({"items": "只能合并同一站点的议案建议。"})
    wrong = [s for s in suggestions if s.state not in MERGEABLE]
    if wrong:
        raise MoveRefused(
            "只能合并尚未答复的议案建议:" + "、".join(f"“{s.title}”" for s in wrong[:5]) + "不是。"
        )
    with transaction.atomic():
        groups = {s.merge_group_id for s in suggestions if s.merge_group_id}
        group = MergeGroup.objects.filter(pk__in=groups).order_by("pk").first()
        if group is None:
            group = MergeGroup.objects.create(site_id=suggestions[0].site_id,
                                              title=(title or suggestions[0].title)[:200],
                                              created_by=user)  # fmt: skip
        elif title:
            group.title = title[:200]
            group.save(update_fields=["title"])
        members = list(Suggestion.objects.filter(merge_group_id__in=groups)) + suggestions
        seen = set()
        for item in members:
            if item.pk in seen:
                continue
            seen.add(item.pk)
            if item.merge_group_id != group.pk:
                Suggestion.objects.filter(pk=item.pk).update(merge_group=group)
                item.merge_group = group
                _note(item, user, f"并案办理:{group.title}")
        MergeGroup.objects.filter(pk__in=groups - {group.pk}).delete()
    return group


def unmerge(suggestion: Suggestion, user) -> None:
    """Take one item out of its group (a group of one is dissolved)."""
    group = suggestion.merge_group
    if group is None:
        raise MoveRefused("这件议案建议没有并案办理。")
    with transaction.atomic():
        Suggestion.objects.filter(pk=suggestion.pk).update(merge_group=None)
        suggestion.merge_group = None
        _note(suggestion, user, f"取消并案办理:{group.title}")
        rest = list(Suggestion.objects.filter(merge_group=group))
        if len(rest) < 2:
            for item in rest:
                Suggestion.objects.filter(pk=item.pk).update(merge_group=None)
                _note(item, user, f"取消并案办理:{group.title}")
            group.delete()


# --- commitments (B and C replies) ------------------------------------------------------

#: The reply classes that carry a promised action and its date.
COMMITTING = (ReplyClass.B, ReplyClass.C)


def day(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def check_commitment(reply_class: str, commitment: str, due: dt.date | None) -> None:
    if reply_class in COMMITTING:
        errors = {}
        if not (commitment or "").strip():
            errors["commitment"] = "B类、C类答复须写明承诺办理的事项。"
        if due is None:
            errors["commitment_due"] = "B类、C类答复须写明承诺完成的时间。"
        if errors:
            raise ValidationError(errors)


def report_commitment(suggestion: Suggestion, user, report: str) -> Suggestion:
    """The lead unit reports the promised action done; the office confirms it."""
    if not suggestion.commitment_open:
        raise MoveRefused("这件议案建议没有待落实的承诺事项。")
    if not report.strip():
        raise ValidationError({"report": "请填写落实情况。"})
    with transaction.atomic():
        suggestion.commitment_reported_at = timezone.now()
        suggestion.commitment_report = report.strip()
        suggestion.save(update_fields=["commitment_reported_at", "commitment_report"])
        _note(suggestion, user, f"承办单位报告承诺事项已落实:{report.strip()}")
    return suggestion


def confirm_commitment(suggestion: Suggestion, user, note: str = "") -> Suggestion:
    """The office records the promised action as done: the item may then be closed."""
    if not suggestion.commitment_open:
        raise MoveRefused("这件议案建议没有待落实的承诺事项。")
    with transaction.atomic():
        suggestion.commitment_done_at = timezone.now()
        if note.strip():
            suggestion.commitment_report = note.strip()
        suggestion.save(update_fields=["commitment_done_at", "commitment_report"])
        _note(suggestion, user, "办公室确认承诺事项已落实" + (f":{note.strip()}" if note.strip()
                                                              else ""))  # fmt: skip


AGENDA, TO_SUGGESTION = "agenda", "to_suggestion"


def presidium(suggestion: Suggestion, user, decision: str, note: str = "") -> Suggestion:
    """The presidium's decision on an accepted motion, entered by the office: put it on
    the session's agenda (列入会议议程), or handle it as a suggestion (转为建议), which the
    office then assigns to handling units as any other."""
    if suggestion.kind != Kind.MOTION or suggestion.state != State.ACCEPTED:
        raise MoveRefused("只有已立案的议案需要主席团决定。")
    note = note.strip()
    with transaction.atomic():
        if decision == AGENDA:
            move(
                suggestion,
                State.AGENDA,
                user,
                "主席团决定列入会议议程" + (f":{note}" if note else ""),
            )
            body = f"您领衔提出的议案“{suggestion.title}”经主席团决定列入会议议程。"
        elif decision == TO_SUGGESTION:
            suggestion.kind, suggestion.from_motion = Kind.SUGGESTION, True
            suggestion.save(update_fields=["kind", "from_motion"])
            Transition.objects.create(
                suggestion=suggestion, actor=user, actor_name=_name(user), from_state=State.ACCEPTED,
                to_state=State.ACCEPTED,
                note="主席团决定作为建议处理,待交办" + (f":{note}" if note else ""),
            )  # fmt: skip
            body = f"您领衔提出的议案“{suggestion.title}”经主席团决定作为建议交有关单位办理。"
        else:
            raise ValidationError({"decision": "请选择主席团的决定。"})
        _notify_deputies(suggestion, "suggestions.presidium", "主席团对议案的决定", body)
    return suggestion


# --- handling units ------------------------------------------------------------------


def unit_return(assignment: Assignment, user, reason: str) -> Assignment:
    """A unit returns a wrongly assigned item; when the lead returns it, the office reassigns."""
    suggestion = assignment.suggestion
    if not reason.strip():
        raise ValidationError({"reason": "请填写退回理由。"})
    if suggestion.state != State.ASSIGNED or assignment.returned_at:
        raise MoveRefused("这件议案建议现在不能退回。")
    with transaction.atomic():
        assignment.returned_at, assignment.return_reason = timezone.now(), reason.strip()
        assignment.save(update_fields=["returned_at", "return_reason"])
        note = f"{assignment.unit}申请退回({assignment.get_role_display()}):{reason.strip()}"
        if assignment.role == Assignment.Role.LEAD:
            for rule in (REPLY_RULE, CONTACT_RULE):
                clock = deadlines.running_clock(suggestion, rule)
                if clock is not None:
                    clock.delete()  # assigned wrongly: the clocks start again at the new assignment
            suggestion.assignments.filter(returned_at__isnull=True).update(
                returned_at=timezone.now(), return_reason="主办单位退回,待重新交办"
            )
            move(suggestion, State.ACCEPTED, user, note, assigned_on=None)
        else:
            Transition.objects.create(suggestion=suggestion, actor=user, actor_name=_name(user),
                                      from_state=suggestion.state, to_state=suggestion.state,
                                      note=note)  # fmt: skip
    return assignment


def reply(suggestion: Suggestion, user, *, reply_class: str, text: str, signed_by: str,
          files=(), stored=(), commitment: str = "",
          commitment_due: dt.date | str | None = None) -> Suggestion:  # fmt: skip
    """The lead unit's reply: the clock stops; the deputies are told and may rate it.

    ``files`` are uploaded files (stored now), ``stored`` uploads already stored (a
    signed-off draft's attachments). A B or C reply carries the promised action
    (``commitment``) and its date (``commitment_due``, a date or its ISO text as a
    draft keeps it); the item stays open until the office confirms it done.
    """
    if isinstance(commitment_due, str):
        commitment_due = dt.date.fromisoformat(commitment_due) if commitment_due else None
    if suggestion.state not in (State.ASSIGNED, State.REHANDLING):
        raise MoveRefused("这件议案建议现在不能答复。")
    check_commitment(reply_class, commitment, commitment_due)
    from cms.services import uploads

    with transaction.atomic():
        record_reply(suggestion, user, reply_class=reply_class, text=text, signed_by=signed_by,
                     commitment=commitment, commitment_due=commitment_due)  # fmt: skip
        for file in files:
            suggestion.reply_attachments.add(uploads.store(file, site=suggestion.site, owner=user))
        suggestion.reply_attachments.add(*stored)
        _notify_deputies(suggestion, "suggestions.replied", "议案建议已答复",
                         f"您提出的“{suggestion.title}”已答复,请在小程序中查看并评价。")  # fmt: skip
    return suggestion


def reply_note(reply_class: str, signed_by: str = "", commitment: str = "",
               commitment_due: dt.date | None = None) -> str:  # fmt: skip
    """The history line of a reply: "答复(B类),签发人:…;承诺2027年6月30日前:…"."""
    note = f"答复({reply_class}类)" + (f",签发人:{signed_by}" if signed_by else "")
    if reply_class in COMMITTING and commitment_due is not None and commitment.strip():
        note += f";承诺{day(commitment_due)}前:{commitment.strip()}"
    return note


def record_reply(suggestion: Suggestion, user, *, reply_class: str, text: str, signed_by: str,
                 commitment: str = "", commitment_due: dt.date | None = None,
                 at: dt.datetime | None = None, note: str = "") -> Suggestion:  # fmt: skip
    """The reply's move (no checks, no notification: :func:`reply` does those): the item is
    已答复 with the reply as its latest round (``at``: when; now by default), a B or C reply's
    promise replacing any earlier one, and the running clock stops at ``at``: the reply clock,
    or the re-handling clock when the reply ends a re-handling round."""
    at = at or timezone.now()
    rule = REHANDLING_RULE if suggestion.state == State.REHANDLING else REPLY_RULE
    promised = reply_class in COMMITTING
    move(suggestion, State.REPLIED, user,
         note or reply_note(reply_class, signed_by, commitment, commitment_due),
         reply_class=reply_class, reply_text=text, reply_signed_by=signed_by,
         replied_at=at, round=suggestion.round + 1,
         commitment=commitment.strip() if promised else "",
         commitment_due=commitment_due if promised else None,
         commitment_reported_at=None, commitment_report="", commitment_done_at=None)  # fmt: skip
    clock = deadlines.running_clock(suggestion, rule)
    if clock is not None:
        deadlines.stop(clock, at=at)
    return suggestion


def co_opinion(assignment: Assignment, user, text: str) -> Assignment:
    """A co-handling unit sends its views to the lead unit (协办意见); it may send them
    again (the latest stands; each is a line of the history)."""
    suggestion = assignment.suggestion
    if not text.strip():
        raise ValidationError({"opinion": "请填写协办意见。"})
    if assignment.role != Assignment.Role.CO or assignment.returned_at:
        raise MoveRefused("只有协办单位可以向主办单位提出协办意见。")
    if suggestion.state not in (State.ASSIGNED, State.REHANDLING):
        raise MoveRefused("这件议案建议现在不需要协办意见。")
    with transaction.atomic():
        assignment.opinion, assignment.opinion_at = text.strip(), timezone.now()
        assignment.opinion_by = user
        assignment.save(update_fields=["opinion", "opinion_at", "opinion_by"])
        Transition.objects.create(suggestion=suggestion, actor=user, actor_name=_name(user),
                                  from_state=suggestion.state, to_state=suggestion.state,
                                  note=f"{assignment.unit}(协办)提出协办意见")  # fmt: skip
        lead = suggestion.lead_assignment
        staff = list(lead.unit.members.filter(is_active=True)) if lead else []
        if staff:
            notifications.notify(
                staff, "协办单位提出意见", f"{assignment.unit}对“{suggestion.title}”提出了协办意见。",
                kind="suggestions.co_opinion", site=suggestion.site,
                dedupe_key=f"suggestion:{suggestion.pk}:co_opinion:{assignment.pk}:{assignment.opinion_at.isoformat()}",
            )  # fmt: skip
    return assignment


def log_contact(assignment: Assignment, user, *, on: dt.date, method: str, note: str) -> Contact:
    """The lead unit records a contact with the deputies (联系代表): a line of the history
    the deputies read; the first one stops the contact clock (20 working days)."""
    suggestion = assignment.suggestion
    if assignment.role != Assignment.Role.LEAD or assignment.returned_at:
        raise MoveRefused("联系代表由主办单位记录。")
    if suggestion.state not in (State.ASSIGNED, State.REHANDLING, State.REPLIED):
        raise MoveRefused("这件议案建议现在不在办理中。")
    if on > timezone.localdate():
        raise ValidationError({"on": "沟通日期不能晚于今天。"})
    if not note.strip():
        raise ValidationError({"note": "请填写沟通情况。"})
    with transaction.atomic():
        contact = Contact.objects.create(suggestion=suggestion, unit=assignment.unit, on=on,
                                         method=method, note=note.strip(), by=user)  # fmt: skip
        Transition.objects.create(
            suggestion=suggestion, actor=user, actor_name=_name(user), from_state=suggestion.state,
            to_state=suggestion.state,
            note=f"{assignment.unit}联系代表({contact.get_method_display()},{on:%Y年%-m月%-d日}):{contact.note}",
        )  # fmt: skip
        clock = deadlines.running_clock(suggestion, CONTACT_RULE)
        if clock is not None:
            deadlines.stop(clock, at=timezone.make_aware(dt.datetime.combine(on, dt.time.min)))
    return contact


def draft_reply(assignment: Assignment, user, *, reply_class: str, text: str, files=(),
                extra: dict | None = None) -> ReplyDraft:  # fmt: skip
    """Staff of the lead unit write the reply; it waits for the unit's signer (签发)."""
    from cms.services import uploads

    suggestion = assignment.suggestion
    if assignment.role != Assignment.Role.LEAD or assignment.returned_at:
        raise MoveRefused("答复由主办单位拟稿。")
    if suggestion.state not in (State.ASSIGNED, State.REHANDLING):
        raise MoveRefused("这件议案建议现在不能答复。")
    if suggestion.drafts.filter(status=ReplyDraft.Status.AWAITING).exists():
        raise MoveRefused("已有一份答复稿等待签发,请待签发领导签发或退回后再提交。")
    with transaction.atomic():
        draft = ReplyDraft.objects.create(
            suggestion=suggestion, unit=assignment.unit, round=suggestion.round + 1,
            reply_class=reply_class, text=text, extra=extra or {}, drafted_by=user,
        )  # fmt: skip
        for file in files:
            draft.attachments.add(uploads.store(file, site=suggestion.site, owner=user))
        Transition.objects.create(suggestion=suggestion, actor=user, actor_name=_name(user),
                                  from_state=suggestion.state, to_state=suggestion.state,
                                  note=f"答复稿({reply_class}类)提交签发")  # fmt: skip
        signers = list(assignment.unit.signers.filter(is_active=True))
        if signers:
            notifications.notify(
                signers, "答复稿待签发", f"“{suggestion.title}”的答复稿等待您签发。",
                kind="suggestions.draft", site=suggestion.site,
                dedupe_key=f"suggestion:{suggestion.pk}:draft:{draft.pk}",
            )  # fmt: skip
    return draft


def _check_signer(draft: ReplyDraft, user) -> None:
    from cms.services import accounts

    if draft.status != ReplyDraft.Status.AWAITING:
        raise MoveRefused("这份答复稿已处理过了。")
    if not accounts.signs_for(user, draft.unit):
        raise MoveRefused("只有本单位的签发领导可以签发答复。")


def approve_reply(draft: ReplyDraft, user) -> Suggestion:
    """The unit's signer approves the draft: the reply goes out, signed by them."""
    with transaction.atomic():
        draft = ReplyDraft.objects.select_for_update().get(pk=draft.pk)
        _check_signer(draft, user)
        draft.status, draft.decided_by, draft.decided_at = (
            ReplyDraft.Status.APPROVED, user, timezone.now())  # fmt: skip
        draft.save(update_fields=["status", "decided_by", "decided_at"])
        return reply(draft.suggestion, user, reply_class=draft.reply_class, text=draft.text,
                     signed_by=_name(user), stored=list(draft.attachments.all()),
                     **draft.extra)  # fmt: skip


def send_back_draft(draft: ReplyDraft, user, note: str) -> ReplyDraft:
    """The signer sends the draft back to be changed, saying what to change."""
    if not note.strip():
        raise ValidationError({"note": "请填写修改意见。"})
    with transaction.atomic():
        draft = ReplyDraft.objects.select_for_update().get(pk=draft.pk)
        _check_signer(draft, user)
        draft.status, draft.decided_by, draft.decided_at = (
            ReplyDraft.Status.SENT_BACK, user, timezone.now())  # fmt: skip
        draft.note = note.strip()
        draft.save(update_fields=["status", "decided_by", "decided_at", "note"])
        suggestion = draft.suggestion
        Transition.objects.create(suggestion=suggestion, actor=user, actor_name=_name(user),
                                  from_state=suggestion.state, to_state=suggestion.state,
                                  note=f"答复稿退回修改:{draft.note}")  # fmt: skip
        if draft.drafted_by_id:
            notifications.notify(
                [draft.drafted_by], "答复稿退回修改", f"“{suggestion.title}”的答复稿:{draft.note}",
                kind="suggestions.draft_sent_back", site=suggestion.site,
                dedupe_key=f"suggestion:{suggestion.pk}:draft_back:{draft.pk}",
            )  # fmt: skip
    return draft


def clock_of(suggestion: Suggestion):
    """The reply clock (or the re-handling one), running or stopped, newest first."""
    from django.contrib.contenttypes.models import ContentType

    return (
        deadlines.Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(Suggestion), object_id=str(suggestion.pk),
            rule__in=(REPLY_RULE, REHANDLING_RULE),
        ).order_by("-started_at", "-pk").first()
    )  # fmt: skip
