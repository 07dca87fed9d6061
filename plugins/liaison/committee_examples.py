"""Example payloads of 委员联系代表's routes (``frontend_contracts/examples/``).

"My …" routes are read with the tokens of a demo committee member and of demo deputies
with accounts (on whichever demo site has them); the coverage with the recorder's token (肥西县's editor).
"""

from __future__ import annotations

from cms.plugins.examples import CITY, MISSING_ID, SITE, Example, url
from cms.services import accounts

from .committee import Contact, Invitee

API = "/api/v1/liaison/"


def _auth(user, device: str) -> dict[str, str]:
    tokens = accounts.issue_tokens(user, device_id=device)
    return {"Authorization": f"Bearer {tokens.access_token}"}


def _deputy_user(ref: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(account__directory_ref=ref).first()


def api_examples(recorder) -> list[Example]:
    plan: list[Example] = [
        Example("liaison_deputies_qr_png.404", "liaison_deputies_qr_png",
                url(f"{API}deputies/{MISSING_ID}/qr.png", site=CITY), "不是该站点在任代表:404"),
    ]  # fmt: skip
    open_refs = accounts.open_deputy_refs()
    contacts = Contact.objects.select_related("assignment__member", "site__profile")
    # the deputy's routes need a deputy with an account: a contact with one, if any
    contact = (
        contacts.filter(assignment__deputy_ref__in=open_refs).order_by("-date", "-pk").first()
        or contacts.order_by("-date", "-pk").first()
    )
    if contact is not None:
        code = contact.site.profile.division_code
        auth = _auth(contact.assignment.member.user, "export-api-examples-member")
        plan += [
            Example("liaison_committee_deputies_list", "liaison_committee_deputies_list",
                    url(f"{API}committee/deputies/", site=code),
                    "组成人员的令牌:分配给我联系的代表及本年度联系次数", headers=auth),
            Example("liaison_committee_contacts_list", "liaison_committee_contacts_list",
                    url(f"{API}committee/contacts/", site=code, limit=3), "我的联系记录", headers=auth),
            Example("liaison_committee_contacts_retrieve", "liaison_committee_contacts_retrieve",
                    url(f"{API}committee/contacts/{contact.pk}/", site=code), "一条联系记录",
                    headers=auth),
        ]  # fmt: skip
        deputy = _deputy_user(contact.assignment.deputy_ref)
        if deputy is not None:
            d_auth = _auth(deputy, "export-api-examples-deputy")
            plan += [
                Example("liaison_deputy_contacts_list", "liaison_deputy_contacts_list",
                        url(f"{API}deputy/contacts/", site=code),
                        "代表的令牌:我与常委会组成人员的联系记录", headers=d_auth),
                Example("liaison_deputy_contacts_retrieve", "liaison_deputy_contacts_retrieve",
                        url(f"{API}deputy/contacts/{contact.pk}/", site=code), "一条联系记录",
                        headers=d_auth),
            ]  # fmt: skip
    invitee = (
        Invitee.objects.filter(deputy_ref__in=open_refs).select_related("site__profile")
        .order_by("-invitation__date", "pk").first()
    )  # fmt: skip
    deputy = _deputy_user(invitee.deputy_ref) if invitee is not None else None
    if deputy is not None:
        code = invitee.site.profile.division_code
        i_auth = _auth(deputy, "export-api-examples-invitee")
        plan += [
            Example("liaison_deputy_invitations_list", "liaison_deputy_invitations_list",
                    url(f"{API}deputy/invitations/", site=code),
                    "代表的令牌:我收到的列席、执法检查和调研邀请,含我的答复", headers=i_auth),
            Example("liaison_deputy_invitations_retrieve", "liaison_deputy_invitations_retrieve",
                    url(f"{API}deputy/invitations/{invitee.invitation_id}/", site=code), "邀请详情",
                    headers=i_auth),
            Example("liaison_deputy_invitations_retrieve.404", "liaison_deputy_invitations_retrieve",
                    url(f"{API}deputy/invitations/{MISSING_ID}/", site=code), "没有邀请我的活动",
                    headers=i_auth),
        ]  # fmt: skip
    if recorder.auth:
        plan.append(Example("liaison_committee_coverage_retrieve", "liaison_committee_coverage_retrieve",
                            url(f"{API}committee/coverage/", site=SITE),
                            "肥西县工作人员:本年度联系覆盖情况(按站点、按组成人员,均有分母)",
                            headers=recorder.auth))  # fmt: skip
    return plan
