"""Publication of replied suggestions, through the public surfaces.

The deputy posts through the API, the office and the unit work in the admin,
the public reads the public API and the site search. The redaction test posts
a suggestion whose title, text and reply carry a mobile number, a landline, an
ID number, an e-mail address and a house number, and proves that none of them
reaches the public API (list, detail), the search (results and stored
documents) or the recorded contract examples, while the deputy still reads
the full text.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from cms.notifications.models import Notification
from cms.plugins import set_enabled
from cms.services import deadlines, idnumbers
from plugins.suggestions.models import Assignment, Suggestion, Transition
from search.models import SearchEntry

from .test_flow import api, assign, post

pytestmark = pytest.mark.django_db

SITE = "340123"
PUBLIC = "/api/v1/suggestions/published/"
PHONE = "13955512345"
LANDLINE = "0551-68812345"
EMAIL = "zhangwei.home@example.com"
ID_NUMBER = idnumbers.with_check_digit("34012319800101201")
UNIT_PHONE = "13866601234"
TITLE = f"关于紫蓬路积水治理的建议(联系人{PHONE})"
TEXT = (
    f"紫蓬路每逢雨天积水严重,群众出行不便,建议改造排水管网。联系电话:{PHONE};"
    f"座机 {LANDLINE};身份证号 {ID_NUMBER};邮箱 {EMAIL};住址紫蓬路18号3栋502室。"
)
REPLY = f"已将紫蓬路排水改造列入明年计划。经办人手机 {UNIT_PHONE[:3]} {UNIT_PHONE[3:7]} {UNIT_PHONE[7:]}。"
SECRETS = (PHONE, LANDLINE, "68812345", EMAIL, "zhangwei.home", ID_NUMBER, UNIT_PHONE,
           "13900000011", "18号3栋502室", "502室")  # fmt: skip
SESSION = "十七届人大五次会议"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def assert_no_secret(payload) -> None:
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    digits = _digits(text)
    for secret in SECRETS:
        assert secret not in text, secret
        if secret.isdigit() or "-" in secret:
            assert _digits(secret) not in digits, secret


def replied(client, people, units, office, *, title=TITLE, text=TEXT, reply=REPLY, author="张伟",
            cosigners=(), reply_class="B") -> int:  # fmt: skip
    """A suggestion posted by a deputy, assigned by the office and replied by the lead unit."""
    deputy = people[author]
    data = {
        "title": title,
        "text": text,
        "submit": True,
        "cosigners": [people[c].ref for c in cosigners],
    }
    response = post(client, deputy.auth, data=data)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    for name in cosigners:
        assert post(client, people[name].auth, f"{pk}/cosign/").status_code == 200
    assign(client, office, units, pk)
    lead = Assignment.objects.get(suggestion_id=pk, role="lead")
    client.force_login(units["lead_staff"])
    promise = {"commitment": "明年6月底前完成", "commitment_due": "2099-06-30"}  # B and C
    response = client.post(f"/admin/suggestions/units/{lead.pk}/", {
        "step": "reply", "reply_class": reply_class, "text": reply, "signed_by": "王局长",
        **(promise if reply_class in "BC" else {})})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return pk


def page(client, pk):
    response = client.get(f"/admin/suggestions/publication/{pk}/")
    assert response.status_code == 200
    return response


def confirm(client, pk, **texts):
    proposed = page(client, pk).context["form"].initial
    return client.post(f"/admin/suggestions/publication/{pk}/",
                       {"step": "confirm", **proposed, **texts})  # fmt: skip


def publish(client, pk):
    return client.post(f"/admin/suggestions/publication/{pk}/", {"step": "publish"})


def confirmed_and_published(client, office, pk):
    client.force_login(office)
    assert confirm(client, pk).status_code == 302
    assert publish(client, pk).status_code == 302
    client.logout()


def public(site=SITE, path="", **params):
    """An anonymous reader (never logged in, whatever the test's client is)."""
    return Client().get(f"{PUBLIC}{path}", {"site": site, **params})


def public_ids(**params) -> list[int]:
    response = public(**params)
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def search(q, site=SITE):
    cache.clear()
    response = Client().get("/api/v1/search/", {"site": site, "q": q})
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- the redaction test ------------------------------------------------------------------


def test_no_contact_detail_reaches_the_public_api_search_or_exports(client, people, units, office):
    zhang = people["张伟"]
    pk = replied(client, people, units, office, text=TEXT + "本人手机139 0000 0011。")

    # Not published yet: nowhere in public.
    assert public_ids() == []
    assert public(path=f"{pk}/").status_code == 404
    assert search("紫蓬路") == []

    # The office sees the originals beside the proposal, with what was found.
    client.force_login(office)
    response = page(client, pk)
    html = response.content.decode()
    assert PHONE in html and EMAIL in html  # the original, for the office
    proposal = response.context["form"].initial
    assert_no_secret(proposal)
    assert "〔电话已隐去〕" in proposal["title"] and "〔邮箱已隐去〕" in proposal["text"]
    assert "〔身份证号已隐去〕" in proposal["text"] and "〔门牌号已隐去〕" in proposal["text"]
    assert "〔电话已隐去〕" in proposal["reply_text"]
    assert "身份证号码" in html and "门牌号" in html  # the findings are listed
    client.logout()
    confirmed_and_published(client, office, pk)

    listed = public()
    assert listed.status_code == 200 and listed.json()["count"] == 1
    assert_no_secret(listed.json())
    detail = public(path=f"{pk}/")
    assert detail.status_code == 200
    body = detail.json()
    assert_no_secret(body)
    assert body["title"].startswith("关于紫蓬路积水治理的建议")
    assert "改造排水管网" in body["text"] and "列入明年计划" in body["reply"]["text"]
    assert body["deputy"] == "张伟" and body["reply"]["reply_class"] == "B"
    assert set(body) == {"id", "number", "session", "kind", "period", "title", "text", "category",
                         "category_label", "deputy", "cosigners", "units", "reply",
                         "published_at"}  # fmt: skip

    # The site search finds it by its words, never by a secret.
    hits = search("紫蓬路")
    assert [h["url"] for h in hits] == [f"{PUBLIC}{pk}/?site={SITE}"]
    assert_no_secret(hits)
    for secret in (PHONE, EMAIL, ID_NUMBER, UNIT_PHONE, "68812345"):
        assert search(secret) == [], secret
    stored = " ".join(f"{e.title} {e.body} {e.url}" for e in SearchEntry.objects.all())
    assert "紫蓬路" in stored
    assert_no_secret(stored)

    # The recorded contract examples of the public routes (frontend_contracts/examples/).
    from cms.api.management.examples import Recorder
    from plugins.suggestions.examples import public_examples

    recorder = Recorder(Client(), {})
    examples = public_examples(recorder)
    assert {e.operation_id for e in examples} >= {"suggestions_published_list",
                                                  "suggestions_published_retrieve"}  # fmt: skip
    for example in examples:
        response = recorder.get(example.url)
        assert response.status_code == example.expected_status, example.url
        assert_no_secret(response.content.decode())

    # The deputy still reads the full text, in the mini-program's API.
    mine = client.get(api(f"{pk}/"), **zhang.auth).json()
    assert (
        PHONE in mine["text"] and EMAIL in mine["text"] and UNIT_PHONE[:3] in mine["reply"]["text"]
    )


def test_the_office_cannot_confirm_a_text_that_keeps_a_contact_detail(
    client, people, units, office
):
    pk = replied(client, people, units, office)
    client.force_login(office)
    response = confirm(client, pk, text=f"请联系 {EMAIL}")
    assert response.status_code == 200
    assert "电子邮箱" in response.content.decode() and EMAIL in response.content.decode()
    response = confirm(client, pk, reply_text="")
    assert response.status_code == 200
    # Nothing was confirmed, so nothing can be published.
    response = publish(client, pk)
    assert response.status_code == 200 and "请先确认本次答复的公开文本" in response.content.decode()
    client.logout()
    assert public(path=f"{pk}/").status_code == 404
    notes = list(Transition.objects.filter(suggestion_id=pk).values_list("note", flat=True))
    assert not any("公开" in n for n in notes)


def test_a_public_text_passes_the_sites_word_lists(client, people, units, office, feixi):
    from cms.review.models import SensitiveWord

    pk = replied(client, people, units, office)
    SensitiveWord.objects.create(word="演示违禁词", site=feixi.site)
    client.force_login(office)
    response = confirm(client, pk, reply_text="答复中有演示违禁词。")
    assert response.status_code == 200 and "含敏感词“演示违禁词”" in response.content.decode()
    assert confirm(client, pk).status_code == 302
    assert publish(client, pk).status_code == 302
    response = publish(client, pk)  # twice: refused, one line in the history
    assert response.status_code == 200 and "已经公开" in response.content.decode()
    client.logout()
    notes = list(Transition.objects.filter(suggestion_id=pk).values_list("note", flat=True))
    assert notes.count("公开议案建议及第1次答复") == 1


def test_an_edit_by_the_office_is_what_the_public_reads(client, people, units, office):
    pk = replied(client, people, units, office)
    client.force_login(office)
    response = confirm(client, pk, title="关于紫蓬路积水治理的建议",
                       text="紫蓬路雨天积水,建议改造排水管网。")  # fmt: skip
    assert response.status_code == 302
    history = client.get(api(f"{pk}/"), **people["张伟"].auth).json()["history"]
    confirmed = [h for h in history if h["note"].startswith("确认公开文本")]
    assert len(confirmed) == 1 and confirmed[0]["actor"]  # who confirmed, in the history
    assert publish(client, pk).status_code == 302
    client.logout()
    body = public(path=f"{pk}/").json()
    assert body["title"] == "关于紫蓬路积水治理的建议"
    assert body["text"] == "紫蓬路雨天积水,建议改造排水管网。"
    notes = [h["note"] for h in client.get(api(f"{pk}/"), **people["张伟"].auth).json()["history"]]
    assert "公开议案建议及第1次答复" in notes
    told = Notification.objects.filter(user=people["张伟"].user, kind="suggestions.published")
    assert told.count() == 1
    from wagtail.models import ModelLogEntry  # the core audit log's rows

    actions = set(ModelLogEntry.objects.filter(object_id=str(pk)).values_list("action", flat=True))
    assert {"suggestions.redaction_confirmed", "suggestions.published"} <= actions


# --- the clock ---------------------------------------------------------------------------


def test_the_publication_clock_runs_from_the_reply_and_stops_at_publication(
    client, people, units, office
):
    pk = replied(client, people, units, office)
    from plugins.suggestions.models import Suggestion

    suggestion = Suggestion.objects.get(pk=pk)
    clock = deadlines.running_clock(suggestion, "suggestion.publication")
    today = timezone.localdate()
    assert clock is not None and clock.started_on == today
    assert clock.due_on == deadlines.due_date("suggestion.publication", today, suggestion.site)
    assert clock.amount == 20 and clock.unit == "working_days"
    # The office's staff are reminded once it is overdue (the core's daily sweep).
    later = timezone.make_aware(
        dt.datetime.combine(clock.due_on + dt.timedelta(days=3), dt.time(9))
    )
    assert deadlines.send_reminders(now=later) >= 1
    reminded = Notification.objects.filter(kind="deadline.suggestion.publication")
    assert list(reminded.values_list("user", flat=True)) == [office.pk]
    client.force_login(office)
    listing = client.get("/admin/suggestions/publication/")
    assert listing.status_code == 200 and "待确认公开文本" in listing.content.decode()
    client.logout()
    confirmed_and_published(client, office, pk)
    clock.refresh_from_db()
    assert clock.stopped_at is not None
    assert deadlines.running_clock(suggestion, "suggestion.publication") is None


# --- one session at once -------------------------------------------------------------------


def set_session(client, office, pk, session, category="transport"):
    client.force_login(office)
    response = client.post(f"/admin/suggestions/suggestion/edit/{pk}/", {
        "category": category, "period": "session", "session": session, "number": f"第{pk:04d}号"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()


def test_publishing_all_confirmed_replies_of_a_session_is_one_action(client, people, units, office):
    first, second, unconfirmed, other = (
        replied(client, people, units, office, title=f"关于第{n}件事项的建议", text="建议内容。",
                reply="答复内容。")
        for n in range(4)
    )  # fmt: skip
    for pk in (first, second, unconfirmed):
        set_session(client, office, pk, SESSION)
    set_session(client, office, other, "十七届人大四次会议")
    client.force_login(office)
    for pk in (first, second, other):
        assert confirm(client, pk).status_code == 302
    response = client.post("/admin/suggestions/publication/",
                           {"site": office_site(office), "session": SESSION}, follow=True)  # fmt: skip
    assert response.status_code == 200
    assert (
        "公开 2 件" in response.content.decode()
        and "1 件的公开文本尚未确认" in response.content.decode()
    )
    client.logout()
    assert sorted(public_ids()) == sorted([first, second])
    assert public_ids(session=SESSION) == public_ids()
    assert public_ids(session="十七届人大四次会议") == []
    notes = Transition.objects.filter(suggestion_id=first).values_list("note", flat=True)
    assert f"随“{SESSION}”的答复一并公开" in notes


def office_site(office) -> int:
    from cms.plugins import site_access

    return next(iter(site_access(office).plugin_site_ids("suggestions")))


# --- unpublishing, caching ----------------------------------------------------------------


def test_unpublishing_needs_a_reason_and_hides_it_everywhere_at_once(client, people, units, office):
    pk = replied(client, people, units, office)
    assert public_ids() == []  # cached as an empty list ...
    assert public().headers.get("X-Lianxi-Cache") == "hit"
    confirmed_and_published(client, office, pk)
    assert public_ids() == [pk]  # ... and forgotten at the publication
    assert public(path=f"{pk}/").status_code == 200
    assert len(search("紫蓬路")) == 1

    client.force_login(office)
    response = client.post(f"/admin/suggestions/publication/{pk}/",
                           {"step": "unpublish", "reason": ""})  # fmt: skip
    assert response.status_code == 200  # a reason is required
    assert public_ids() == [pk]
    response = client.post(f"/admin/suggestions/publication/{pk}/",
                           {"step": "unpublish", "reason": "答复内容涉及尚未公开的规划"})  # fmt: skip
    assert response.status_code == 302
    client.logout()
    assert public_ids() == []
    assert public(path=f"{pk}/").status_code == 404
    assert search("紫蓬路") == []
    notes = Transition.objects.filter(suggestion_id=pk).values_list("note", flat=True)
    assert "撤销公开:答复内容涉及尚未公开的规划" in notes


def test_a_later_reply_waits_for_its_own_confirmation(client, people, units, office):
    zhang = people["张伟"]
    pk = replied(client, people, units, office, reply="第一次答复。")
    confirmed_and_published(client, office, pk)
    assert post(client, zhang.auth, f"{pk}/rate/", {"result": "unsatisfied"}).status_code == 200
    lead = Assignment.objects.get(suggestion_id=pk, role="lead")
    client.force_login(units["lead_staff"])
    client.post(f"/admin/suggestions/units/{lead.pk}/", {
        "step": "reply", "reply_class": "A", "text": "第二次答复,已完工。", "signed_by": "王局长"})  # fmt: skip
    client.logout()
    body = public(path=f"{pk}/").json()
    assert body["reply"]["text"] == "第一次答复。" and body["reply"]["reply_class"] == "B"
    client.force_login(office)
    assert "有新的答复待确认" in page(client, pk).content.decode()
    response = publish(client, pk)  # refused: the new reply is not confirmed
    assert response.status_code == 200 and "请先确认" in response.content.decode()
    assert public(path=f"{pk}/").json()["reply"]["text"] == "第一次答复。"
    assert confirm(client, pk).status_code == 302  # the published version follows at once
    client.logout()
    body = public(path=f"{pk}/").json()
    assert body["reply"]["text"] == "第二次答复,已完工。" and body["reply"]["reply_class"] == "A"


# --- filters ---------------------------------------------------------------------------------


def test_the_public_list_filters(client, people, units, office):
    a = replied(client, people, units, office, title="关于道路的建议", text="道路。", reply="已修。",
                reply_class="A", cosigners=("李芳",))  # fmt: skip
    b = replied(client, people, units, office, title="关于学校的建议", text="学校。", reply="已建。",
                author="李芳", reply_class="C")  # fmt: skip
    set_session(client, office, a, SESSION, category="transport")
    set_session(client, office, b, "十七届人大四次会议", category="education")
    for pk in (a, b):
        confirmed_and_published(client, office, pk)
    today = timezone.localdate()
    assert public_ids(session=SESSION) == [a]
    assert public_ids(category="education") == [b]
    assert public_ids(reply_class="A") == [a]
    assert public_ids(kind="motion") == []
    assert public_ids(deputy="张伟") == [a]
    assert sorted(public_ids(deputy="李芳")) == sorted([a, b])  # lead of b, co-signer of a
    assert sorted(public_ids(unit=units["lead"].pk)) == sorted([a, b])
    assert public_ids(unit=units["lead"].pk + 1000) == []
    assert len(public_ids(date_from=today.isoformat(), date_to=today.isoformat())) == 2
    assert public_ids(date_from=(today + dt.timedelta(days=1)).isoformat()) == []
    assert public_ids(limit=1) in ([a], [b])
    body = public(path=f"{a}/").json()
    assert body["cosigners"] == ["李芳"] and body["session"] == SESSION
    assert body["number"] == f"第{a:04d}号" and body["category_label"] == "交通建设"
    assert [(u["id"], u["role"]) for u in body["units"]] == [
        (units["lead"].pk, "lead"), (units["co"].pk, "co")]  # fmt: skip
    for bad in ({"category": "nope"}, {"reply_class": "E"}, {"unit": "x"},
                {"date_from": "2026-02-01", "date_to": "2026-01-01"}):  # fmt: skip
        response = public(**bad)
        assert response.status_code == 400, bad
        assert response["Content-Type"].startswith("application/problem+json")
        assert response.json()["errors"][0]["field"] in bad


# --- the switch, other sites ----------------------------------------------------------------


def test_switching_the_plugin_off_hides_the_publication_completely(
    client, people, units, office, feixi
):
    pk = replied(client, people, units, office)
    confirmed_and_published(client, office, pk)
    assert public(path=f"{pk}/").status_code == 200
    set_enabled("suggestions", feixi, False)
    cache.clear()
    assert public().status_code == 404
    assert public(path=f"{pk}/").status_code == 404
    assert search("紫蓬路") == []
    client.force_login(office)
    assert client.get("/admin/suggestions/publication/").status_code == 404
    assert client.get(f"/admin/suggestions/publication/{pk}/").status_code == 404
    client.logout()
    set_enabled("suggestions", feixi, True)
    cache.clear()
    assert public_ids() == [pk]  # nothing was deleted


def test_other_sites_neither_list_nor_open_it(client, people, units, office, site_group, make_user):
    pk = replied(client, people, units, office)
    confirmed_and_published(client, office, pk)
    set_enabled("suggestions", site_group["340100"], True)
    assert public(site="340100").json()["count"] == 0
    assert public(site="340100", path=f"{pk}/").status_code == 404
    hefei_office = make_user("hefei-office", site_group["340100"].editors_group)
    client.force_login(hefei_office)
    assert client.get(f"/admin/suggestions/publication/{pk}/").status_code == 404


def test_the_public_routes_are_documented_as_anonymous(client):
    document = client.get("/api/v1/schema/?format=json").json()
    listing = document["paths"]["/api/v1/suggestions/published/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"site", "session", "unit", "category", "reply_class", "deputy", "date_from",
            "date_to", "limit", "offset"} <= names  # fmt: skip
    assert {} in listing.get("security", [{}])
    assert "/api/v1/suggestions/published/{id}/" in document["paths"]


def test_the_demo_publishes_its_rated_and_closed_items_once(people, units, site_group):
    from plugins.suggestions import demo

    demo.load_demo(site_group["340123"])
    rated = set(
        Suggestion.objects.filter(site=site_group["340123"].site, state__in=("rated", "closed"))
        .values_list("title", flat=True)
    )  # fmt: skip
    listed = public(limit=50).json()
    assert listed["count"] == len(rated) >= 2
    assert {item["title"] for item in listed["results"]} == rated
    assert {"关于加快乡村道路提质改造的建议", "关于增设农村公交站点的建议"} <= rated
    demo.load_demo(site_group["340123"])
    cache.clear()
    assert public().json()["count"] == len(rated)


def test_the_public_list_takes_the_same_queries_for_any_number_of_items(
    client, people, units, office
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert public(limit=50).status_code == 200
        return len(captured)

    first = replied(client, people, units, office, cosigners=("李芳",))
    confirmed_and_published(client, office, first)
    one = queries()
    for n in range(3):
        pk = replied(client, people, units, office, title=f"关于第{n}件事项的建议", text="建议。",
                     reply="答复。", cosigners=("李芳",))  # fmt: skip
        confirmed_and_published(client, office, pk)
    assert public(limit=50).json()["count"] == 4
    assert queries() == one <= 8  # 6 today: site, switch, count, page, units, co-signers
