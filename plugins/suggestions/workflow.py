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

from .models import Assignment, CoSigner, Kind, Rating, RatingResult, State, Suggestion, Transition

logger = logging.getLogger(__name__)

REPLY_RULE = "suggestion.reply"
REHANDLING_RULE = "suggestion.rehandling"
CO_HANDLING_RULE = "suggestion.co_handling"
SOURCE = "suggestions"

#: state → the states it may move to.
MOVES: dict[str, tuple[str, ...]] = {
    State.DRAFT: (State.SUBMITTED, State.WITHDRAWN),
    State.SUBMITTED: (State.ACCEPTED, State.RETURNED, State.WITHDRAWN),
    State.ACCEPTED: (State.ASSIGNED, State.WITHDRAWN),
    State.RETURNED: (),
    State.ASSIGNED: (State.REPLIED, State.ACCEPTED),  # back to the office: all units returned it
    State.REPLIED: (State.RATED, State.REHANDLING, State.CLOSED),
    State.REHANDLING: (State.REPLIED,),
    State.RATED: (State.CLOSED,),
    State.CLOSED: (),
    State.WITHDRAWN: (),
}

NOTIFY_KINDS = {
    "suggestions.accepted": "议案建议已立案",
    "suggestions.returned": "议案建议被退回",
    "suggestions.assigned": "议案建议已交办",
    "suggestions.replied": "议案建议已答复",
    "suggestions.cosign": "邀请附议",
    "suggestions.unit_assigned": "收到交办的议案建议",
}


def connect() -> None:
    """Notification kinds and reminder recipients (from ``SuggestionsConfig.ready``)."""
    for kind, label in NOTIFY_KINDS.items():
        notifications.register_kind(kind, label)
    deadlines.register_reminder_recipients(REPLY_RULE, lead_unit_staff)
    deadlines.register_reminder_recipients(REHANDLING_RULE, lead_unit_staff)


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
    return rows


def move_created(suggestion: Suggestion, user) -> None:
    """The first line of the history: written by the deputy, or entered from paper by staff."""
    note = "工作人员代录纸质议案建议" if suggestion.on_paper else "代表起草"
    Transition.objects.create(suggestion=suggestion, actor=user, actor_name=_name(user),
                              from_state="", to_state=suggestion.state, note=note)  # fmt: skip


def submit(suggestion: Suggestion, user) -> Suggestion:
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
        note = f"{_name(user)}评价:{label}" + (f"。{comment}" if comment else "")
        if result == RatingResult.UNSATISFIED:
            move(suggestion, State.REHANDLING, user, note)
            deadlines.start(suggestion, REHANDLING_RULE, suggestion.site)
        else:
            pending = {u.pk for u in raters(suggestion)} - set(
                suggestion.ratings.filter(round=suggestion.round).values_list("user_id", flat=True)
            )
            if pending:
                Transition.objects.create(suggestion=suggestion, actor=user, actor_name=_name(user),
                                          from_state=suggestion.state, to_state=suggestion.state,
                                          note=note)  # fmt: skip
            else:
                move(suggestion, State.RATED, user, note)
        # A rating that moves nothing saves no suggestion: the public statistics change anyway.
        apicache.invalidate_sites(_code(suggestion))
    return rating


# --- the office --------------------------------------------------------------------


def accept(suggestion: Suggestion, user, category: str = "") -> Suggestion:
    if suggestion.moderation_status != "approved":
        raise MoveRefused("内容尚待审核,审核通过后才能立案。")
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
    with transaction.atomic():
        move(suggestion, State.ASSIGNED, user, _assign_note(lead, co_units), assigned_on=on)
        clock = deadlines.start(suggestion, REPLY_RULE, suggestion.site, start=on)
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
    return move(suggestion, State.CLOSED, user, note or "办结")


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
            clock = deadlines.running_clock(suggestion, REPLY_RULE)
            if clock is not None:
                clock.delete()  # assigned wrongly: the clock starts again at the new assignment
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
          files=()) -> Suggestion:  # fmt: skip
    """The lead unit's reply: the clock stops; the deputies are told and may rate it."""
    if suggestion.state not in (State.ASSIGNED, State.REHANDLING):
        raise MoveRefused("这件议案建议现在不能答复。")
    from cms.services import uploads

    with transaction.atomic():
        rule = REHANDLING_RULE if suggestion.state == State.REHANDLING else REPLY_RULE
        move(suggestion, State.REPLIED, user, f"答复({reply_class}类),签发人:{signed_by}",
             reply_class=reply_class, reply_text=text, reply_signed_by=signed_by,
             replied_at=timezone.now(), round=suggestion.round + 1)  # fmt: skip
        for file in files:
            suggestion.reply_attachments.add(uploads.store(file, site=suggestion.site, owner=user))
        clock = deadlines.running_clock(suggestion, rule)
        if clock is not None:
            deadlines.stop(clock)
        _notify_deputies(suggestion, "suggestions.replied", "议案建议已答复",
                         f"您提出的“{suggestion.title}”已答复,请在小程序中查看并评价。")  # fmt: skip
    return suggestion


def clock_of(suggestion: Suggestion):
    """The reply clock (or the re-handling one), running or stopped, newest first."""
    from django.contrib.contenttypes.models import ContentType

    return (
        deadlines.Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(Suggestion), object_id=str(suggestion.pk),
            rule__in=(REPLY_RULE, REHANDLING_RULE),
        ).order_by("-started_at", "-pk").first()
    )  # fmt: skip
