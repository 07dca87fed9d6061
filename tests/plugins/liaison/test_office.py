"""The office's admin (triage, forwarding, publication), the units' queue, suggestion drafts,
and the privacy scan: no citizen's name or mobile in any public answer, search document or
export."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from cms.plugins import set_enabled
from plugins.liaison.models import Message

from .conftest import api, citizen_auth, post

pytestmark = pytest.mark.django_db

CITIZEN_NAME, CITIZEN_MOBILE = "周小梅", "13700000077"


def write(client, auth, **data):
    body = {"title": "上派镇菜市场排水不畅", "text": "一下雨菜市场门口就积水。", **data}
    response = post(client, auth, "messages/", body)
    assert response.status_code == 201, response.content
    return response.json()


def office_post(client, pk, follow=False, **data):
    return client.post(f"/admin/liaison/office/{pk}/", data, follow=follow)


def test_the_office_triages_forwards_and_a_unit_answers_in_the_admin(
    client, people, citizen, unit, office
):
    sent = write(client, citizen)
    client.force_login(office)
    queue = client.get("/admin/liaison/message/?queue=triage").content.decode()
    assert "上派镇菜市场排水不畅" in queue
    page = client.get(f"/admin/liaison/office/{sent['id']}/").content.decode()
    assert "送达代表" in page and "转交承办单位" in page
    response = office_post(client, sent["id"], step="forward", unit=unit["unit"].pk, note="请核查")
    assert response.status_code == 302
    client.logout()

    client.force_login(unit["staff"])
    assert "上派镇菜市场排水不畅" in client.get("/admin/liaison/units/").content.decode()
    answered = client.post(f"/admin/liaison/units/{sent['id']}/", {"text": "已疏通排水沟。"})
    assert answered.status_code == 302
    # The unit sees only what was forwarded to it, and not the office's pages.
    other = write(client, citizen_auth("13700000003"), title="别的事", text="别的事情。")
    assert client.get(f"/admin/liaison/units/{other['id']}/").status_code == 404
    assert client.get(f"/admin/liaison/office/{sent['id']}/").status_code == 404
    client.logout()
    mine = client.get(api(f"messages/{sent['id']}/"), **citizen).json()
    assert (mine["status"], mine["answered_by"]) == ("answered", "肥西县住房和城乡建设局")


def test_the_office_delivers_an_unaddressed_message_and_rejects_another(
    client, people, citizen, office
):
    sent = write(client, citizen)
    client.force_login(office)
    response = office_post(client, sent["id"], step="deliver", deputies=[people["李芳"].ref])
    assert response.status_code == 302
    assert client.get(api("inbox/"), **people["李芳"].auth).json()["count"] == 1
    other = write(client, citizen, title="广告", text="推销产品。")
    office_post(client, other["id"], step="reject", reason="与代表履职无关")
    mine = client.get(api(f"messages/{other['id']}/"), **citizen).json()
    assert (mine["status"], mine["reason"]) == ("rejected", "与代表履职无关")


def test_the_overdue_list(client, people, citizen, office):
    sent = write(client, citizen, addressed_to="deputy", deputy=people["张伟"].ref)
    Message.objects.filter(pk=sent["id"]).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    fresh = write(client, citizen, addressed_to="deputy", deputy=people["张伟"].ref,
                  title="新的留言", text="新的内容。")  # fmt: skip
    client.force_login(office)
    page = client.get("/admin/liaison/message/?queue=overdue").content.decode()
    assert "上派镇菜市场排水不畅" in page and fresh["title"] not in page


def test_a_deputy_turns_a_message_into_a_suggestion_draft(client, people, citizen, feixi):
    zhang = people["张伟"]
    sent = write(client, citizen, addressed_to="deputy", deputy=zhang.ref)
    set_enabled("suggestions", feixi, False)
    off = post(client, zhang.auth, f"inbox/{sent['id']}/suggestion/")
    assert off.status_code == 409 and "未启用" in off.json()["detail"]
    set_enabled("suggestions", feixi, True)
    made = post(
        client, zhang.auth, f"inbox/{sent['id']}/suggestion/", {"title": "关于菜市场排水的建议"}
    )
    assert made.status_code == 201, made.content
    drafts = client.get(f"/api/v1/suggestions/?site={feixi.division_code}", **zhang.auth).json()
    assert [(d["id"], d["title"], d["status"]) for d in drafts["results"]] == [
        (int(made.json()["suggestion"]), "关于菜市场排水的建议", "draft")
    ]


def _publish(client, office, pk, **texts):
    client.force_login(office)
    response = office_post(client, pk, step="confirm", **texts)
    assert response.status_code == 302
    assert office_post(client, pk, step="publish").status_code == 302
    client.logout()


def test_publication_needs_consent_and_redaction_and_never_names_the_citizen(
    client, people, office, feixi, site_group
):
    from cms.services import accounts

    zhang = people["张伟"]
    accounts.citizen_account(CITIZEN_MOBILE, display_name=CITIZEN_NAME)
    auth = citizen_auth(CITIZEN_MOBILE)
    text = f"我是{CITIZEN_NAME},电话{CITIZEN_MOBILE},菜市场门口积水。"
    sent = write(client, auth, addressed_to="deputy", deputy=zhang.ref, consent_publish=True,
                 text=text)  # fmt: skip
    hidden = write(client, auth, addressed_to="deputy", deputy=zhang.ref, title="不公开的",
                   text="不同意公开。")  # fmt: skip
    for message in (sent, hidden):
        post(client, zhang.auth, f"inbox/{message['id']}/reply/", {"text": "已转告市场管理方。"})
    # The redaction step proposes texts without the number, refuses one that still has it.
    client.force_login(office)
    proposal = client.get(f"/admin/liaison/office/{sent['id']}/").content.decode()
    assert "已隐去〕,菜市场门口积水" in proposal
    refused = office_post(client, sent["id"], step="confirm", title="菜市场积水", text=text,
                          answer="已转告市场管理方。")  # fmt: skip
    assert refused.status_code == 200 and "手机号码" in refused.content.decode()
    hidden_page = client.get(f"/admin/liaison/office/{hidden['id']}/").content.decode()
    assert "留言人未同意公开" in hidden_page and "确认公开文本" not in hidden_page
    client.logout()
    _publish(client, office, sent["id"], title="菜市场积水", text="菜市场门口积水。",
             answer="已转告市场管理方。")  # fmt: skip

    listed = client.get(api("published/")).json()
    assert [row["id"] for row in listed["results"]] == [sent["id"]]
    row = listed["results"][0]
    assert (row["answered_by"], row["answer"]) == ("张伟", "已转告市场管理方。")
    assert row["received_on"] == timezone.localdate().isoformat()
    assert client.get(api("published/") + f"&deputy={zhang.ref}").json()["count"] == 1
    assert client.get(api("published/") + "&deputy=999999").json()["count"] == 0
    assert client.get(api(f"published/{hidden['id']}/")).status_code == 404

    # Withdrawn consent unpublishes.
    post(client, auth, f"messages/{sent['id']}/consent/", {"consent_publish": False})
    assert client.get(api("published/")).json()["count"] == 0
    post(client, auth, f"messages/{sent['id']}/consent/", {"consent_publish": True})
    _publish(client, office, sent["id"], title="菜市场积水", text="菜市场门口积水。",
             answer="已转告市场管理方。")  # fmt: skip
    assert_no_citizen_identity(client, auth, [sent["id"]], office)


SITE_CODE = "340123"


def assert_no_citizen_identity(client, auth, ids, office):
    """Every public liaison route, the search documents and the admin list export."""
    from search.models import SearchEntry

    user = Message.objects.get(pk=ids[0]).author
    account = user.account
    secrets = [CITIZEN_NAME, CITIZEN_MOBILE, account.display_name or "\0", user.get_username()]
    texts = [
        client.get(api("published/")).content.decode(),
        *(client.get(api(f"published/{pk}/")).content.decode() for pk in ids),
        client.get(f"/api/v1/search/?site={SITE_CODE}&q=菜市场").content.decode(),
    ]
    documents = SearchEntry.objects.filter(type="liaison.message")
    assert documents.count() == 1
    texts += [json.dumps([d.title, d.body, d.url], ensure_ascii=False) for d in documents]
    client.force_login(office)
    export = client.get("/admin/liaison/message/?export=csv")
    assert export.status_code == 200
    exported = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "菜市场积水" not in exported and "菜市场" in exported  # the office's own titles
    texts.append(exported)
    client.logout()
    for text in texts:
        for secret in secrets:
            assert secret not in text, (secret, text[:300])
        assert '"author"' not in text


def test_public_texts_pass_the_sites_word_lists_and_never_hold_the_citizens_number(
    client, people, office, feixi, site_group
):
    from cms.review.models import SensitiveWord
    from cms.services import accounts

    zhang = people["张伟"]
    accounts.citizen_account(CITIZEN_MOBILE, display_name=CITIZEN_NAME)
    auth = citizen_auth(CITIZEN_MOBILE)
    sent = write(client, auth, addressed_to="deputy", deputy=zhang.ref, consent_publish=True)
    post(client, zhang.auth, f"inbox/{sent['id']}/reply/", {"text": "已转告市场管理方。"})
    SensitiveWord.objects.create(word="演示违禁词", site=feixi.site)
    client.force_login(office)
    # A listed word in the answer: refused on that field, nothing confirmed.
    refused = office_post(client, sent["id"], step="confirm", title="菜市场积水",
                          text="菜市场门口积水。", answer="演示违禁词已处理。")  # fmt: skip
    page = refused.content.decode()
    assert refused.status_code == 200 and "“公开答复内容”含敏感词“演示违禁词”" in page
    # The citizen's own mobile, spaced so that no pattern sees a phone number.
    spaced = " ".join(CITIZEN_MOBILE[i : i + 2] for i in range(0, 11, 2))
    refused = office_post(client, sent["id"], step="confirm", title="菜市场积水",
                          text=f"请回电 {spaced}。", answer="已转告市场管理方。")  # fmt: skip
    assert "公开留言内容中仍有当事人本人的联系方式" in refused.content.decode()
    assert office_post(client, sent["id"], step="publish").status_code == 200  # not confirmed
    assert client.get(api("published/")).json()["count"] == 0
    # Confirmed clean; then the list grows before the office publishes: checked again.
    confirmed = office_post(client, sent["id"], step="confirm", title="菜市场积水",
                            text="菜市场门口积水。", answer="已转告市场管理方。")  # fmt: skip
    assert confirmed.status_code == 302
    SensitiveWord.objects.create(word="市场管理方", site=feixi.site)
    refused = office_post(client, sent["id"], step="publish", follow=True)
    assert "“公开答复内容”含敏感词“市场管理方”" in refused.content.decode()
    assert client.get(api("published/")).json()["count"] == 0


def test_a_message_changes_only_through_its_moves(client, people, citizen, office):
    """No generic edit form: a state, a date or a rating set there would have no history
    line, and the statistics would count what never happened."""
    sent = write(client, citizen, addressed_to="deputy", deputy=people["张伟"].ref)
    client.force_login(office)
    board = client.get("/admin/liaison/message/").content.decode()
    assert "处理" in board and f"/admin/liaison/message/edit/{sent['id']}/" not in board
    assert client.get(f"/admin/liaison/message/edit/{sent['id']}/").status_code != 200
    client.post(f"/admin/liaison/message/edit/{sent['id']}/",
                {"title": "改过的", "state": "answered", "rating": "satisfied"})  # fmt: skip
    message = Message.objects.get(pk=sent["id"])
    assert (message.state, message.rating, message.title) == ("delivered", "", sent["title"])
