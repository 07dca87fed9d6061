"""What happens to committee members' assignments, contacts and invitations (one place,
for the API and the admin alike): checks, audit entries, notifications, performance."""

from __future__ import annotations

import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cms.services import directory, performance
from cms.services.audit import audit
from cms.services.notifications import notify

from .committee import (
    PERFORMANCE_KIND,
    Assignment,
    CommitteeMember,
    Contact,
    Invitation,
    Invitee,
    InviteeResponse,
)
from .committee_conf import NOTIFICATION_KIND

LABEL = "liaison"


def setting(name: str):
    return apps.get_app_config(LABEL).plugin_settings[name]


def deputy_ref(user) -> str | None:
    """The directory reference of the deputy behind ``user``'s account, if any."""
    account = getattr(user, "account", None) if getattr(user, "pk", None) else None
    return getattr(account, "directory_ref", None) or None


def current_deputies(site_id: int) -> dict[str, directory.Person]:
    """ref → person: the deputies with a current seat on the site's congress."""
    return {p.ref: p for p in directory.deputies(site_id)}


def is_current_deputy(ref: str, site_id: int) -> bool:
    return any(s.current and s.site_id == site_id for s in directory.seats([ref]).get(ref, []))


def members_of(user, site_id: int):
    """The active committee-member records of ``user`` on the site."""
    if not getattr(user, "is_authenticated", False):
        return CommitteeMember.objects.none()
    return CommitteeMember.objects.filter(user=user, site_id=site_id, is_active=True)


def active_assignments():
    today = timezone.localdate()
    return Assignment.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))


# --- assignments ------------------------------------------------------------------


def assign(member: CommitteeMember, refs: list[str], *, user) -> list[Assignment]:
    """Assign the deputies ``refs`` (current deputies of the member's site) to ``member``.

    Already assigned ones are kept (an ended assignment starts again); more than
    ``MAX_DEPUTIES_PER_MEMBER`` active ones is refused with a ``ValidationError``."""
    refs = list(dict.fromkeys(str(r) for r in refs))
    people = current_deputies(member.site_id)
    unknown = [r for r in refs if r not in people]
    if unknown:
        raise ValidationError({"deputies": f"不是本级人大的在任代表：{'、'.join(unknown)}"})
    with transaction.atomic():
        CommitteeMember.objects.select_for_update().filter(pk=member.pk).first()
        active = set(
            active_assignments().filter(member=member).values_list("deputy_ref", flat=True)
        )
        limit = setting("MAX_DEPUTIES_PER_MEMBER")
        if len(active | set(refs)) > limit:
            raise ValidationError(
                {"deputies": f"每位组成人员最多联系 {limit} 名代表，{member.name}已联系 "
                             f"{len(active)} 名。"}
            )  # fmt: skip
        done = []
        for ref in refs:
            row, created = Assignment.objects.get_or_create(
                member=member, deputy_ref=ref, defaults={"deputy_name": people[ref].name}
            )
            if not created and not row.active:
                row.ended_on = None
                row.assigned_on = timezone.localdate()
                row.deputy_name = people[ref].name
                row.save()
            done.append(row)
        audit(member, "liaison.deputies_assigned", user=user,
              data={"deputies": refs, "member": member.name})  # fmt: skip
    return done


def end_assignment(assignment: Assignment, *, user, on: datetime.date | None = None) -> None:
    assignment.ended_on = on or timezone.localdate()
    assignment.save(update_fields=["ended_on"])
    audit(assignment, "liaison.assignment_ended", user=user,
          data={"deputy": assignment.deputy_ref, "member": assignment.member.name})  # fmt: skip


# --- contacts -----------------------------------------------------------------------


def log_contact(assignment: Assignment, *, user, source: str, **fields) -> Contact:
    contact = Contact(assignment=assignment, source=source, recorded_by=user, **fields)
    contact.full_clean(exclude=["site"])
    with transaction.atomic():
        contact.save()
        audit(contact, "liaison.contact_logged", user=user,
              data={"deputy": assignment.deputy_ref, "member": assignment.member.name,
                    "kind": contact.kind, "date": contact.date.isoformat(), "source": source})  # fmt: skip
    return contact


# --- invitations --------------------------------------------------------------------


def invite(invitation: Invitation, refs: list[str], *, user) -> list[Invitee]:
    """Invite the deputies ``refs`` (current deputies of the site) and notify each once."""
    from django.contrib.auth import get_user_model

    refs = list(dict.fromkeys(str(r) for r in refs))
    people = current_deputies(invitation.site_id)
    unknown = [r for r in refs if r not in people]
    if unknown:
        raise ValidationError({"deputies": f"不是本级人大的在任代表：{'、'.join(unknown)}"})
    with transaction.atomic():
        have = set(invitation.invitees.values_list("deputy_ref", flat=True))
        new = Invitee.objects.bulk_create(
            [Invitee(invitation=invitation, site_id=invitation.site_id, deputy_ref=r,
                     deputy_name=people[r].name) for r in refs if r not in have]
        )  # fmt: skip
        users = get_user_model().objects.filter(
            account__directory_ref__in=refs, account__closed_at__isnull=True, is_active=True
        )
        notify(
            users,
            f"{invitation.get_kind_display()}邀请：{invitation.title}",
            f"{invitation.date:%Y年%m月%d日}，{invitation.place}。名额 {invitation.capacity} 人，"
            "请在小程序中报名或谢绝。",
            kind=NOTIFICATION_KIND, site=invitation.site,
            url=f"pages/invitation/detail?id={invitation.pk}",
            dedupe_key=f"liaison:invitation:{invitation.pk}",
        )  # fmt: skip
        audit(invitation, "liaison.invitation_sent", user=user,
              data={"deputies": [i.deputy_ref for i in new]})  # fmt: skip
    return new


def answer(invitee: Invitee, *, register: bool, user, reason: str = "") -> Invitee:
    """The deputy registers (within capacity, before the day) or declines."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitee.invitation_id)
        invitee.refresh_from_db()
        if invitation.date < timezone.localdate():
            raise ValidationError("活动已结束，不能再报名或谢绝。")
        if register and invitee.response != InviteeResponse.REGISTERED:
            taken = invitation.invitees.filter(response=InviteeResponse.REGISTERED).count()
            if taken >= invitation.capacity:
                raise ValidationError(f"名额已满({taken}/{invitation.capacity})。")
        invitee.response = InviteeResponse.REGISTERED if register else InviteeResponse.DECLINED
        invitee.decline_reason = "" if register else reason
        invitee.responded_at = timezone.now()
        invitee.save(update_fields=["response", "decline_reason", "responded_at"])
        audit(invitee, "liaison.invitation_answered", user=user,
              data={"invitation": invitation.pk, "response": invitee.response})  # fmt: skip
    return invitee


def record_attendance(invitee: Invitee, attended: bool, *, user) -> Invitee:
    """The office records who attended; attending adds (absence removes) the entry of
    the deputy's performance record (``source`` liaison, ``source_ref`` the invitee)."""
    invitation = invitee.invitation
    if invitation.date > timezone.localdate():
        raise ValidationError("活动尚未举行，不能登记出席。")
    source_ref = f"invitee:{invitee.pk}"
    with transaction.atomic():
        invitee.attended = attended
        if performance.is_available():
            if attended:
                profile = getattr(invitation.site, "profile", None)
                try:
                    invitee.performance_entry_id = performance.add_entry(
                        deputy_id=int(invitee.deputy_ref), kind=PERFORMANCE_KIND[invitation.kind],
                        date=invitation.date, title=invitation.title[:200], source=LABEL,
                        source_ref=source_ref,
                        division_code=profile.division_code if profile else None,
                    )  # fmt: skip
                except performance.PerformanceRecordError as error:
                    raise ValidationError(f"无法记入履职档案：{error}") from error
            elif invitee.performance_entry_id:
                performance.remove_entry(source=LABEL, source_ref=source_ref)
                invitee.performance_entry_id = None
        invitee.save(update_fields=["attended", "performance_entry_id"])
        audit(invitee, "liaison.attendance_recorded", user=user,
              data={"invitation": invitation.pk, "deputy": invitee.deputy_ref,
                    "attended": attended})  # fmt: skip
    return invitee
