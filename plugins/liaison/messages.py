"""The moves of a citizen's message from one state to the next, each logged and audited.

After WriteToThem, FixMyStreet and Alaveteli::

    received → screened → delivered → answered → closed
                  │           │  └→ screened (the deputy hands it to the office)
                  │           └→ forwarded (a handling unit) → answered
                  └ (addressed to no one: the office delivers or forwards it)
    rejected (with a reason), withdrawn (by the citizen), reopened (by the citizen,
    within ``REOPEN_DAYS`` of the answer) → answered again

Screening: a listed sensitive word holds the message for moderation
(``cms.services.moderation``; a rejection there rejects it), the same text
again from the same author is a duplicate, more than ``DAILY_LIMIT`` messages a
day from one author on the site is refused. The reply clock (``message.reply``, 3 months by
default) runs from the day received, started on delivery and stopped on the
answer; its due date is kept on the message (``due_on``) for the board.

Who may make a move is checked by the caller (the API, the admin views); this
module checks that the state allows it, records it and notifies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cms.services import (
    accounts,
    audit,
    deadlines,
    directory,
    moderation,
    notifications,
    suggestion_drafts,
)
from cms.services.tasks import task

from .models import (
    AddressedTo,
    Message,
    MessageRecipient,
    MessageState,
    MessageTransition,
)

State = MessageState
REPLY_RULE = "message.reply"

#: state → the states it may move to.
MOVES: dict[str, tuple[str, ...]] = {
    State.RECEIVED: (State.SCREENED, State.REJECTED, State.WITHDRAWN),
    State.SCREENED: (State.DELIVERED, State.FORWARDED, State.REJECTED, State.WITHDRAWN,
                     State.CLOSED),
    State.DELIVERED: (State.ANSWERED, State.FORWARDED, State.SCREENED, State.REJECTED,
                      State.WITHDRAWN),
    State.FORWARDED: (State.ANSWERED, State.SCREENED, State.WITHDRAWN),
    State.ANSWERED: (State.REOPENED, State.CLOSED),
    State.REOPENED: (State.ANSWERED, State.FORWARDED, State.SCREENED, State.WITHDRAWN),
    State.CLOSED: (),
    State.REJECTED: (),
    State.WITHDRAWN: (),
}  # fmt: skip

NOTIFY_KINDS = {
    "liaison.delivered": "收到群众留言",
    "liaison.forwarded": "收到转办的群众留言",
    "liaison.triage": "群众留言待分办",
    "liaison.state": "我的留言办理进展",
    "liaison.answered": "我的留言已答复",
    "liaison.solved": "留言问题是否解决",
    "liaison.rated": "群众评价留言答复",
}

AUDIT_ACTIONS = {
    f"liaison.message.{state.value}": f"群众留言:{state.label}" for state in MessageState
} | {
    "liaison.message.rated": "群众留言:评价答复",
    "liaison.message.solved": "群众留言:回复是否解决",
    "liaison.message.published": "群众留言:公开答复",
    "liaison.message.suggestion": "群众留言:转为建议草稿",
}


def setting(name: str):
    return apps.get_app_config("liaison").plugin_settings[name]


def connect() -> None:
    """Notification kinds, audit actions, reminder recipients, moderation and sweeps."""
    from cms.services.schedule import register_sweep

    for kind, label in NOTIFY_KINDS.items():
        notifications.register_kind(kind, label)
    for action, label in AUDIT_ACTIONS.items():
        audit.register_action(action, label)
    deadlines.register_reminder_recipients(REPLY_RULE, reminded)
    moderation.moderation_decided.connect(decided, sender=Message,
                                          dispatch_uid="liaison-message-moderation")  # fmt: skip
    register_sweep("liaison.ask_solved", ask_solved_sweep, every="daily at 09:00")
    from django.db.models.signals import post_delete, post_save

    from . import stats

    post_save.connect(stats.changed, sender=Message, dispatch_uid="liaison-stats-saved")
    post_delete.connect(stats.changed, sender=Message, dispatch_uid="liaison-stats-deleted")


class MoveRefused(ValidationError):
    """A move that the current state does not allow (the message says why, in Chinese)."""


def _name(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return "系统"
    account = getattr(user, "account", None)
    name = getattr(account, "display_name", "") if account is not None else ""
    return name or user.get_full_name() or user.get_username()


def text_hash(text: str) -> str:
    """The duplicate check's hash: the text without spaces and punctuation."""
    normal = re.sub(r"[\s\W_]+", "", text or "").lower()
    return hashlib.sha256(normal.encode()).hexdigest()


def move(message: Message, to: str, user, note: str = "", **fields) -> Message:
    """Change ``message``'s state to ``to`` (with ``fields``), log and audit the change."""
    current = message.state
    if to not in MOVES.get(current, ()):
        raise MoveRefused(f"“{State(current).label}”的留言不能改为“{State(to).label}”。")
    for key, value in fields.items():
        setattr(message, key, value)
    message.state = to
    message.save()
    actor = user if getattr(user, "pk", None) else None
    MessageTransition.objects.create(message=message, actor=actor, actor_name=_name(user),
                                     from_state=current, to_state=to, note=note)  # fmt: skip
    _audit(message, f"liaison.message.{to}", actor, {"from": current, "to": to, "note": note[:200]})
    return message


def _audit(message: Message, action: str, actor, data: dict) -> None:
    """The audit entry names the message and the move; the citizen's own moves are
    recorded as the author's, without their account (the log is exported)."""
    if actor is not None and actor.pk == message.author_id:
        actor, data = None, {**data, "by": "留言人"}
    audit.audit(message, action, user=actor, data=data)


# --- who ---------------------------------------------------------------------------


def deputy_ref(user) -> str:
    account = getattr(user, "account", None)
    return str(getattr(account, "directory_ref", "") or "")


def deputy_users(message: Message) -> list:
    refs = [r.deputy_ref for r in message.recipients.all()]
    return list(accounts.deputy_users(refs).values())


def unit_users(message: Message) -> list:
    if message.unit_id is None:
        return []
    return list(message.unit.members.filter(is_active=True))


def office_users(message: Message) -> list:
    profile = getattr(message.site, "profile", None)
    group = getattr(profile, "editors_group", None)
    return list(group.user_set.filter(is_active=True)) if group is not None else []


def reminded(clock) -> list:
    """Who is reminded at 30, 60, 80 days and when overdue: the deputies, the unit, the office."""
    message = clock.target
    if message is None or message.state not in (State.DELIVERED, State.FORWARDED,
                                                State.SCREENED, State.REOPENED):  # fmt: skip
        return []
    users = {u.pk: u for u in deputy_users(message) + unit_users(message) + office_users(message)}
    return list(users.values())


def _notify(users, kind: str, subject: str, body: str, message: Message, key: str) -> None:
    users = [u for u in users if u is not None]
    if users:
        notifications.notify(
            users, subject, body, kind=kind, site=message.site,
            url=f"pages/liaison/message?id={message.pk}",
            dedupe_key=f"liaison:{message.pk}:{key}",
        )  # fmt: skip


def _tell_citizen(message: Message, kind: str, subject: str, body: str, key: str) -> None:
    if message.author_id:
        _notify([message.author], kind, subject, body, message, key)


def _n(message: Message) -> int:
    return message.history.count()


# --- the clock -----------------------------------------------------------------------


def _start_clock(message: Message, start: dt.date | None = None) -> None:
    received = timezone.localtime(message.received_at).date()
    clock = deadlines.start(message, REPLY_RULE, message.site, start=start or received)
    if message.due_on != clock.due_on:
        message.due_on = clock.due_on
        Message.objects.filter(pk=message.pk).update(due_on=clock.due_on)


def _stop_clock(message: Message) -> None:
    clock = deadlines.running_clock(message, REPLY_RULE)
    if clock is not None:
        deadlines.stop(clock)


def clock_of(message: Message):
    """The newest reply clock of ``message`` (running or stopped), or ``None``."""
    return deadlines.clocks_of(Message, [message.pk], [REPLY_RULE]).get(str(message.pk))


# --- writing and screening ------------------------------------------------------------


def recipients_for(message: Message) -> list[tuple[str, str]]:
    """(ref, name) of the deputies the message is addressed to, from the directory."""
    if message.addressed_to == AddressedTo.DEPUTY:
        person = directory.person(message.deputy_ref) if message.deputy_ref else None
        if person is None or not person.current_seats:
            return []
        return [(person.ref, person.name)]
    if message.addressed_to == AddressedTo.STATION:
        station = directory.station(message.station_ref)
        if station is None:
            return []
        people = directory.seats(list(station.deputies))
        found = []
        for ref in station.deputies:
            if any(s.current for s in people.get(ref, [])):
                person = directory.person(ref)
                found.append((ref, person.name if person else ""))
        return found
    if message.addressed_to == AddressedTo.PLACE:
        return [(p.ref, p.name) for p in directory.place_deputies(message.place_code)]
    return []


def received(message: Message, user) -> Message:
    """The first line of the history, then the screening (after ``moderation.submit``)."""
    MessageTransition.objects.create(message=message, actor=user, actor_name=_name(user),
                                     from_state="", to_state=State.RECEIVED, note="群众留言")  # fmt: skip
    audit.audit(message, "liaison.message.received", user=None, data={"to": State.RECEIVED})
    if message.moderation_status == "approved":
        screen(message)
    return message


def screen(message: Message) -> Message:
    """Duplicates and the daily limit; then deliver to the addressees (or the office's queue)."""
    if message.state != State.RECEIVED:
        return message
    earlier = Message.objects.filter(
        site_id=message.site_id, author_id=message.author_id, text_hash=message.text_hash
    )
    earlier = earlier.exclude(pk=message.pk).exclude(state__in=(State.REJECTED, State.WITHDRAWN))
    if message.author_id and earlier.exists():
        return reject(message, None, "与您此前提交的留言内容相同,请勿重复留言。")
    since = message.received_at - dt.timedelta(days=1)
    today = Message.objects.filter(
        site_id=message.site_id, author_id=message.author_id,
        received_at__gt=since, received_at__lte=message.received_at,
    )  # fmt: skip
    if message.author_id and today.exclude(state=State.REJECTED).count() > setting("DAILY_LIMIT"):
        return reject(message, None, "今日留言次数已达上限,请明日再留言。")
    move(message, State.SCREENED, None, "通过审核")
    people = recipients_for(message)
    if people:
        deliver(message, None, people)
    else:
        _notify(office_users(message), "liaison.triage", "群众留言待分办",
                f"“{message.title}”未指定代表或联络站无在任代表,请分办。", message, "triage")  # fmt: skip
    return message


def deliver(message: Message, user, people: list[tuple[str, str]], note: str = "") -> Message:
    """Deliver to these deputies ((ref, name)); the reply clock starts."""
    if not people:
        raise MoveRefused("没有可送达的代表。")
    with transaction.atomic():
        existing = set(message.recipients.values_list("deputy_ref", flat=True))
        MessageRecipient.objects.bulk_create(
            [MessageRecipient(message=message, deputy_ref=ref, name=name)
             for ref, name in people if ref not in existing]
        )  # fmt: skip
        names = "、".join(name for _ref, name in people)
        move(message, State.DELIVERED, user, note or f"送达代表:{names}",
             delivered_at=timezone.now())  # fmt: skip
        _start_clock(message)
    _notify(deputy_users(message), "liaison.delivered", "收到群众留言",
            f"群众留言“{message.title}”,请在期限内答复。", message, f"delivered:{_n(message)}")  # fmt: skip
    _tell_citizen(message, "liaison.state", "您的留言已送达代表",
                  f"您的留言“{message.title}”已送达代表{names}。", f"state:{_n(message)}")  # fmt: skip
    return message


def forward(message: Message, unit, user, note: str = "") -> Message:
    """Forward to a handling unit (the office's move); the clock keeps running (or starts)."""
    with transaction.atomic():
        move(message, State.FORWARDED, user, note or f"转交{unit.name}办理", unit=unit,
             forwarded_at=timezone.now())  # fmt: skip
        _start_clock(message)
    _notify(unit_users(message), "liaison.forwarded", "收到转办的群众留言",
            f"群众留言“{message.title}”已转交贵单位办理,请在期限内答复。", message,
            f"forwarded:{_n(message)}")  # fmt: skip
    _tell_citizen(message, "liaison.state", "您的留言已转交有关单位办理",
                  f"您的留言“{message.title}”已转交{unit.name}办理。", f"state:{_n(message)}")  # fmt: skip
    return message


def to_office(message: Message, user, note: str) -> Message:
    """A deputy hands the message to the office (to forward it to a unit); the clock runs on."""
    move(message, State.SCREENED, user, note or "代表转交人大办公室")
    _notify(office_users(message), "liaison.triage", "代表转来的群众留言",
            f"代表将留言“{message.title}”转交办公室:{note}", message, f"triage:{_n(message)}")  # fmt: skip
    return message


def answer(message: Message, user, text: str, by_name: str) -> Message:
    """The deputy's or the unit's answer; the clock stops."""
    with transaction.atomic():
        move(message, State.ANSWERED, user, "答复群众", answer=text, answered_at=timezone.now(),
             answered_by=user, answered_by_name=by_name, rating="", rating_comment="",
             rated_at=None, solved=None, solved_asked_at=None, solved_at=None)  # fmt: skip
        _stop_clock(message)
    _tell_citizen(message, "liaison.answered", "您的留言已答复",
                  f"{by_name}已答复您的留言“{message.title}”,请查看并评价。", f"answered:{_n(message)}")  # fmt: skip
    return message


def reject(message: Message, user, reason: str) -> Message:
    reason = (reason or "").strip()
    if not reason:
        raise MoveRefused("请填写不予受理的理由,留言人会看到它。")
    with transaction.atomic():
        move(message, State.REJECTED, user, reason, reject_reason=reason[:500])
        _stop_clock(message)
    _tell_citizen(message, "liaison.state", "您的留言未予受理",
                  f"您的留言“{message.title}”未予受理:{reason}", f"state:{_n(message)}")  # fmt: skip
    return message


def withdraw(message: Message, user, note: str = "") -> Message:
    with transaction.atomic():
        move(message, State.WITHDRAWN, user, note or "留言人撤回")
        _stop_clock(message)
    _notify(deputy_users(message) + unit_users(message), "liaison.state", "群众撤回了留言",
            f"留言“{message.title}”已由留言人撤回。", message, f"withdrawn:{_n(message)}")  # fmt: skip
    return message


def reopen(message: Message, user, note: str) -> Message:
    """The citizen reopens an answered message within the window; a new clock starts."""
    days = setting("REOPEN_DAYS")
    if (
        message.state == State.ANSWERED
        and message.answered_at
        and (timezone.now() - message.answered_at > dt.timedelta(days=days))
    ):
        raise MoveRefused(f"答复已超过{days}日,不能重新打开,可以重新留言。")
    with transaction.atomic():
        move(message, State.REOPENED, user, note or "留言人对答复有疑问")
        _start_clock(message, start=timezone.localdate())
    _notify(deputy_users(message) + unit_users(message), "liaison.delivered",
            "群众对答复有疑问", f"留言“{message.title}”被留言人重新打开:{note}", message,
            f"reopened:{_n(message)}")  # fmt: skip
    return message


def rate(message: Message, user, result: str, comment: str = "") -> Message:
    if message.state not in (State.ANSWERED, State.CLOSED) or not message.answered_at:
        raise MoveRefused("留言答复后才能评价。")
    if message.rated_at:
        raise MoveRefused("您已评价过这次答复。")
    message.rating, message.rating_comment, message.rated_at = result, comment, timezone.now()
    message.save(update_fields=["rating", "rating_comment", "rated_at"])
    actor = user if getattr(user, "pk", None) else None
    MessageTransition.objects.create(message=message, actor=actor, actor_name=_name(user),
                                     from_state=message.state, to_state=message.state,
                                     note=f"评价答复:{message.get_rating_display()}")  # fmt: skip
    _audit(message, "liaison.message.rated", actor, {"rating": result})
    _notify(deputy_users(message) + unit_users(message), "liaison.rated", "群众评价了答复",
            f"留言“{message.title}”的答复被评价为“{message.get_rating_display()}”。", message,
            f"rated:{_n(message)}")  # fmt: skip
    return message


def solved_question_due(message: Message, now=None) -> bool:
    now = now or timezone.now()
    return bool(
        message.state == State.ANSWERED and message.answered_at and message.solved is None
        and now - message.answered_at >= dt.timedelta(days=setting("SOLVED_AFTER_DAYS"))
    )  # fmt: skip


def answer_solved(message: Message, user, solved: bool) -> Message:
    """The citizen's answer to "was it solved?" (asked two weeks after the answer); closes."""
    if not solved_question_due(message):
        raise MoveRefused(f"答复{setting('SOLVED_AFTER_DAYS')}日后才询问问题是否解决,或已回复过。")
    note = "群众回复:问题已解决" if solved else "群众回复:问题未解决"
    with transaction.atomic():
        move(message, State.CLOSED, user, note, solved=solved, solved_at=timezone.now(),
             closed_at=timezone.now())  # fmt: skip
    _audit(message, "liaison.message.solved", user, {"solved": solved})
    return message


def set_consent(message: Message, user, consent: bool) -> Message:
    """The citizen changes their consent to publication; withdrawing it unpublishes."""
    if message.consent_publish == consent:
        return message
    message.consent_publish = consent
    message.save(update_fields=["consent_publish"])
    note = "同意公开" if consent else "不同意公开"
    actor = user if getattr(user, "pk", None) else None
    MessageTransition.objects.create(message=message, actor=actor, actor_name=_name(user),
                                     from_state=message.state, to_state=message.state,
                                     note=note)  # fmt: skip
    if not consent:
        from .publication import unpublish

        unpublish(message, user)
    return message


def deputy_name(user, message: Message) -> str:
    """The answering deputy's name as the message's recipients list it."""
    ref = deputy_ref(user)
    for row in message.recipients.all():
        if row.deputy_ref == ref:
            return row.name
    return _name(user)


def to_suggestion(message: Message, user, title: str = "") -> str:
    """The deputy turns the message into a suggestion draft of theirs (the suggestions
    plugin, through ``cms.services.suggestion_drafts``); the message stays as it is."""
    ref = suggestion_drafts.create_draft(
        site=message.site, user=user, title=title or message.title, text=message.text,
        source=f"群众留言{message.pk}",
    )  # fmt: skip
    Message.objects.filter(pk=message.pk).update(suggestion_ref=ref)
    actor = user if getattr(user, "pk", None) else None
    MessageTransition.objects.create(message=message, actor=actor, actor_name=_name(user),
                                     from_state=message.state, to_state=message.state,
                                     note=f"代表据此起草建议(建议编号{ref})")  # fmt: skip
    audit.audit(message, "liaison.message.suggestion", user=actor, data={"suggestion": ref})
    return ref


def close(message: Message, user, note: str = "") -> Message:
    return move(message, State.CLOSED, user, note or "办结", closed_at=timezone.now())


def ask_solved(now=None) -> int:
    """Ask each citizen, once, two weeks after the answer: was the problem solved?"""
    now = now or timezone.now()
    limit = now - dt.timedelta(days=setting("SOLVED_AFTER_DAYS"))
    rows = Message.objects.filter(state=State.ANSWERED, answered_at__lte=limit,
                                  solved_asked_at__isnull=True, solved__isnull=True)  # fmt: skip
    asked = 0
    for message in rows.select_related("site", "author"):
        with transaction.atomic():
            if not Message.objects.filter(pk=message.pk, solved_asked_at__isnull=True).update(
                solved_asked_at=now
            ):
                continue
            # A line of the history (the statistics' "asked" count changes with it).
            MessageTransition.objects.create(message=message, actor=None, actor_name="系统",
                                             from_state=message.state, to_state=message.state,
                                             note="询问群众问题是否解决")  # fmt: skip
            _tell_citizen(message, "liaison.solved", "您反映的问题解决了吗?",
                          f"您的留言“{message.title}”已于{timezone.localtime(message.answered_at):%Y年%m月%d日}"
                          "答复,请告诉我们问题是否已经解决。", f"solved:{message.answered_at:%Y%m%d%H%M%S}")  # fmt: skip
            asked += 1
    return asked


@task()
def ask_solved_sweep() -> int:
    """The ``liaison.ask_solved`` sweep (daily): :func:`ask_solved`."""
    return ask_solved()


def decided(sender, record, item, status, **kwargs) -> None:
    """Moderation decided on a held message: rejected there, or screened on."""
    message = Message.objects.filter(pk=record.pk).first()
    if message is None or message.state != State.RECEIVED:
        return
    if status == "rejected":
        reject(message, item.decided_by, item.reason or "留言含有不当内容")
    else:
        screen(message)
