"""Demo of 委员联系代表 on the province, 合肥市 and 合肥's counties: committee members with
their assigned deputies, a contact log over the year (some deputies not contacted yet),
and invitations with registrations, declines and attendance.

Members have demo accounts of their own (``committee_<code>_<n>``, no password); the
deputies with accounts are assigned and invited first, so that the mini-program shows
their side.
Every write goes through ``committee_logic`` (audit, notifications, performance
record). Running it again changes nothing: a site with members is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from cms.services import accounts

from . import committee_logic
from .committee import CommitteeMember, Contact, ContactKind, Invitation, InvitationKind

POSTS = ("常委会副主任", "常委会委员", "常委会委员")
NAMES = ("陈明", "刘红", "孙立")
ISSUES = (
    ("反映村级道路养护资金不足，雨季路面损坏严重。", "已转交通运输部门研究，列入明年养护计划。"),
    ("反映乡镇卫生院全科医生短缺。", "已与卫健部门沟通，拟通过定向培养补充。"),
    ("建议加快老旧小区改造进度。", "已在常委会专题询问中提出。"),
    ("反映农产品销售渠道不畅。", "已推荐参加农产品产销对接会。"),
    ("", ""),
)
KINDS = (ContactKind.VISIT, ContactKind.PHONE, ContactKind.GROUP, ContactKind.LETTER)
#: Contacts this year of the i-th assignment of a site: some none at all, some below
#: the yearly minimum, most at or above it.
PATTERN = (2, 0, 3, 1, 2, 0, 2, 4)


def is_demo_site(profile) -> bool:
    if profile.level == "province" or profile.division_code == "340100":
        return True
    parent = getattr(profile, "parent", None)
    return profile.level == "county" and parent is not None and parent.division_code == "340100"


def _office(profile):
    group = profile.editors_group
    return group.user_set.order_by("pk").first() if group else None


def _members(profile) -> list[CommitteeMember]:
    """Three members with demo accounts of their own (the deputies with accounts stay free
    to be assigned and invited, and read their side in the mini-program)."""
    User = get_user_model()
    members = []
    for i, (name, post) in enumerate(zip(NAMES, POSTS, strict=True)):
        user, _ = User.objects.get_or_create(username=f"committee_{profile.division_code}_{i + 1}",
                                             defaults={"first_name": name})  # fmt: skip
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        members.append(CommitteeMember.objects.create(site=profile.site, user=user, name=name,
                                                      post=post, term="本届"))  # fmt: skip
    return members


def _contacts(assignments, office, today: dt.date) -> int:
    made = 0
    start = dt.date(today.year, 1, 1)
    span = max((today - start).days, 1)
    for i, assignment in enumerate(assignments):
        for k in range(PATTERN[i % len(PATTERN)]):
            day = start + dt.timedelta(days=(span * (k + 1) * 7 // 10 + i * 3) % span)
            issues, follow_up = ISSUES[(i + k) % len(ISSUES)]
            committee_logic.log_contact(
                assignment, user=office, source="member" if k % 2 else "office",
                kind=KINDS[(i + k) % len(KINDS)], date=min(day, today), issues=issues,
                follow_up=follow_up,
            )  # fmt: skip
            made += 1
    return made


def _invitations(profile, people: list, office, today: dt.date) -> int:
    refs = [p.ref for p in people]
    if not refs:
        return 0
    specs = (
        (InvitationKind.SESSION, f"{profile.region_name}人大常委会第二十次会议", -20, "常委会会议室", 4),
        (InvitationKind.INSPECTION, "《物业管理条例》执法检查", 10, f"{profile.region_name}城区", 3),
        (InvitationKind.RESEARCH, "农村养老服务专题调研", -45, f"{profile.region_name}乡镇", 3),
    )  # fmt: skip
    for kind, title, days, place, capacity in specs:
        invitation = Invitation.objects.create(
            site=profile.site, kind=kind, title=title, date=today + dt.timedelta(days=days),
            place=place, capacity=capacity, created_by=office,
            description="请受邀代表在小程序中报名或谢绝。",
        )  # fmt: skip
        invitees = committee_logic.invite(invitation, refs[: capacity + 2], user=office)
        # some register, one declines, the rest have not answered (upcoming) or stayed silent
        for j, invitee in enumerate(invitees):
            if j < capacity - 1 or (days < 0 and j < capacity):
                _answer(invitation, invitee, today, days, register=True)
            elif j == capacity:
                _answer(invitation, invitee, today, days, register=False)
        if days < 0:
            for j, invitee in enumerate(invitation.invitees.filter(response="registered")):
                try:
                    committee_logic.record_attendance(invitee, j != 0, user=office)
                except ValidationError:  # no seat on that day: no performance entry
                    pass
    return len(specs)


def _answer(invitation, invitee, today, days, *, register: bool) -> None:
    if days < 0:  # past: answered before the day (the API would refuse now)
        Invitation.objects.filter(pk=invitation.pk).update(date=today)
    try:
        committee_logic.answer(invitee, register=register, user=None,
                               reason="" if register else "工作冲突，无法参加")  # fmt: skip
    finally:
        if days < 0:
            Invitation.objects.filter(pk=invitation.pk).update(date=today + dt.timedelta(days=days))


def load(profile) -> dict[str, int]:
    if not is_demo_site(profile) or CommitteeMember.objects.filter(site=profile.site).exists():
        return {}
    people = committee_logic.current_deputies(profile.site_id)
    people = list(people.values())
    if len(people) < 2:
        return {}
    today = timezone.localdate()
    office = _office(profile)
    members = _members(profile)
    # deputies with accounts first: they can read their side of the log and invitations
    open_refs = set(accounts.open_deputy_refs())
    others = sorted(people, key=lambda p: p.ref not in open_refs)
    per_member = min(committee_logic.setting("MAX_DEPUTIES_PER_MEMBER"),
                     -(-len(others) // len(members)))  # fmt: skip
    assignments = []
    for i, member in enumerate(members):
        chunk = others[i * per_member : (i + 1) * per_member]
        if chunk:
            assignments += committee_logic.assign(member, [p.ref for p in chunk], user=office)
    contacts = _contacts(assignments, office, today)
    invitations = _invitations(profile, others, office, today)
    return {"members": len(members), "assignments": len(assignments), "contacts": contacts,
            "invitations": invitations, "log": Contact.objects.filter(site=profile.site).count()}  # fmt: skip
