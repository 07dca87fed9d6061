"""Settings, permissions and start-up of the committee part (委员联系代表) of the liaison plugin.

No models here: ``apps.py`` reads these while Django loads apps.

Settings (``LIANXI_PLUGINS_CONFIG["liaison"]``):

* ``MAX_DEPUTIES_PER_MEMBER``: how many deputies one committee member may be assigned (10);
* ``YEARLY_MIN_CONTACTS``: contacts per assigned deputy and year a member should reach (2);
* ``CONTACT_INTERVAL_MONTHS``: a member who has not contacted an assigned deputy for this
  many months is reminded (6: the yearly minimum of 2 contacts, issue 15, spread over the
  year; ``committee_reminders.py``);
* ``WRITE_URL``: the mini-program's write page a deputy's QR code opens, with ``{ref}``
  (the deputy) and ``{code}`` (the site's division code); empty: ``LIANXI_API_PUBLIC_URL``
  followed by ``/mp/write?deputy={ref}&site={code}``.
"""

from __future__ import annotations

COMMITTEE_SETTINGS = {
    "MAX_DEPUTIES_PER_MEMBER": 10,
    "YEARLY_MIN_CONTACTS": 2,
    # 每年至少联系2次(issue 15 的“每年最少联系次数”),即每半年至少联系1次。
    "CONTACT_INTERVAL_MONTHS": 6,
    "WRITE_URL": "",
}

_MODELS = ("committeemember", "assignment", "contact", "invitation", "invitee")

#: The office (a site's editors) keeps the members, assignments, log and invitations.
COMMITTEE_PERMISSIONS = {
    "editors": tuple(
        f"liaison.{verb}_{model}" for model in _MODELS for verb in ("view", "add", "change")
    ),
    "first_reviewers": tuple(f"liaison.view_{model}" for model in _MODELS),
    "final_reviewers": tuple(f"liaison.view_{model}" for model in _MODELS),
}

COMMITTEE_ENUM_NAMES = {
    "ContactKindEnum": "plugins.liaison.committee.ContactKind",
    "ContactSourceEnum": "plugins.liaison.committee.Contact.Source",
    "InvitationKindEnum": "plugins.liaison.committee.InvitationKind",
    "InviteeResponseEnum": "plugins.liaison.committee.InviteeResponse",
}

NOTIFICATION_KIND = "liaison.invitation"
REMINDER_KIND = "liaison.contact_reminder"

AUDIT_ACTIONS = {
    "liaison.member_saved": "常委会组成人员登记",
    "liaison.deputies_assigned": "分配联系代表",
    "liaison.assignment_ended": "结束联系关系",
    "liaison.contact_logged": "记录联系代表情况",
    "liaison.contact_changed": "修改联系记录",
    "liaison.invitation_sent": "发出邀请",
    "liaison.invitation_answered": "代表报名或谢绝",
    "liaison.attendance_recorded": "登记出席情况",
}


def ready() -> None:
    from cms.services.audit import register_action
    from cms.services.notifications import register_kind
    from cms.services.schedule import register_sweep

    from .committee_reminders import contact_reminders_sweep

    register_kind(NOTIFICATION_KIND, "列席、执法检查和调研邀请")
    register_kind(REMINDER_KIND, "联系代表提醒")
    register_sweep("liaison.contact_reminders", contact_reminders_sweep, every="daily at 08:30")
    for action, label in AUDIT_ACTIONS.items():
        register_action(action, label)
