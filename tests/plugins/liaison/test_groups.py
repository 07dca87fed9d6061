"""Group chats of stations and deputy groups (群聊): entered by the office in the admin,
screened, public (with their QR image) only while approved and active."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image

from cms.plugins import set_enabled
from plugins.deputies import models as m
from plugins.liaison.models import GroupChat

from .conftest import SITE, api

pytestmark = pytest.mark.django_db

ADMIN = "/admin/liaison/groupchat/"


def png(colour="black") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), colour).save(out, "PNG")
    return SimpleUploadedFile("qr.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def deputy_group(feixi, people):
    term = m.Term.objects.filter(congress__division_code=SITE).first()
    return m.DeputyGroup.objects.create(term=term, name="桃花镇代表小组")


def create(client, feixi, owner, approve=True, **data):
    """Create through the admin; the new QR image waits for a moderator, who (``approve``)
    looks at it in the queue and approves."""
    body = {"site": feixi.site_id, "owner": owner, "platform": "wechat",
            "name": "上派镇代表联络群", "qr_file": png(), "how_to_join": "扫码后备注姓名和村居",
            "runner_name": "王敏", "runner_role": "联络站工作人员", "is_active": "on", **data}  # fmt: skip
    response = client.post(f"{ADMIN}create/", body)
    assert response.status_code == 302, response.content.decode()[-3000:]
    chat = GroupChat.objects.latest("pk")
    assert chat.moderation_status == "pending"  # the new image waits for a person's look
    if approve:
        approve_held(client, chat)
    return chat


def approve_held(client, chat):
    from cms.moderation.models import ModerationItem

    item = ModerationItem.objects.get(object_id=str(chat.pk), status="pending")
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert (
            client.post(f"/admin/moderation/{item.pk}/", {"action": "approve"}).status_code == 302
        )
    chat.refresh_from_db()
    assert chat.moderation_status == "approved"


def edit(client, chat, **changes):
    body = {"site": chat.site_id, "owner": f"{chat.owner_kind}:{chat.owner_ref}",
            "platform": chat.platform, "name": chat.name, "how_to_join": chat.how_to_join,
            "runner_name": chat.runner_name, "runner_role": chat.runner_role}  # fmt: skip
    if chat.is_active:
        body["is_active"] = "on"
    body.update(changes)
    body = {k: v for k, v in body.items() if v is not None}
    response = client.post(f"{ADMIN}edit/{chat.pk}/", body)
    assert response.status_code == 302, response.content.decode()[-3000:]
    chat.refresh_from_db()
    return chat


def listed(client, site=SITE, **params):
    query = "".join(f"&{k}={v}" for k, v in params.items())
    response = client.get(api("groups/", site) + query)
    assert response.status_code == 200, response.content
    return response.json()


def test_an_approved_group_chat_is_public_with_its_qr_image(client, feixi, station, office):
    client.force_login(office)
    chat = create(client, feixi, f"station:{station.pk}")
    assert (chat.owner_kind, chat.owner_name) == ("station", "上派镇人大代表联络站")
    assert chat.place_code == "340123100" and chat.moderation_status == "approved"
    client.logout()

    body = listed(client)
    assert body["count"] == 1
    row = body["results"][0]
    assert row["name"] == "上派镇代表联络群" and row["runner_role"] == "联络站工作人员"
    assert row["owner_ref"] == str(station.pk) and "mobile" not in str(row)
    image = client.get(row["qr_url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    detail = client.get(api(f"groups/{chat.pk}/"))
    assert detail.status_code == 200 and detail.json()["qr_url"] == row["qr_url"]


def test_a_held_group_chat_is_invisible_until_approved_and_gone_when_rejected(
    client, feixi, station, office, django_capture_on_commit_callbacks
):
    from cms.moderation.models import ModerationItem
    from cms.review.models import SensitiveWord

    SensitiveWord.objects.create(word="演示违禁词", site=feixi.site)
    client.force_login(office)
    chat = create(client, feixi, f"station:{station.pk}", approve=False,
                  how_to_join="演示违禁词,扫码入群")  # fmt: skip
    assert chat.moderation_status == "pending"
    token = chat.qr.token
    item = ModerationItem.objects.get(object_id=str(chat.pk))
    client.logout()
    assert listed(client)["count"] == 0
    assert client.get(api(f"groups/{chat.pk}/")).status_code == 404
    assert client.get(f"/api/v1/uploads/{token}/").status_code == 404

    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=True):
        decided = client.post(f"/admin/moderation/{item.pk}/", {"action": "approve"})
    assert decided.status_code == 302
    client.logout()
    assert listed(client)["count"] == 1
    assert client.get(f"/api/v1/uploads/{token}/").status_code == 200

    # Edited to a held text again, then rejected by the moderator: gone, image private.
    client.force_login(office)
    edit(client, chat, name="演示违禁词群")
    assert chat.moderation_status == "pending"
    item = ModerationItem.objects.get(object_id=str(chat.pk))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/moderation/{item.pk}/", {"action": "reject", "reason": "含不当言论"})
    client.logout()
    chat.refresh_from_db()
    assert chat.moderation_status == "rejected"
    assert listed(client)["count"] == 0
    assert client.get(f"/api/v1/uploads/{token}/").status_code == 404


def test_a_deactivated_group_chat_disappears_and_its_qr_image_404s(client, feixi, station, office):
    client.force_login(office)
    chat = create(client, feixi, f"station:{station.pk}")
    token = chat.qr.token
    edit(client, chat, is_active=None)
    assert chat.is_active is False
    assert client.get(f"/api/v1/uploads/{token}/").status_code == 200  # the office still sees it
    client.logout()
    assert listed(client)["count"] == 0
    assert client.get(api(f"groups/{chat.pk}/")).status_code == 404
    assert client.get(f"/api/v1/uploads/{token}/").status_code == 404

    client.force_login(office)
    edit(client, chat, is_active="on", qr_file=png("red"))  # reactivated with a new image
    approve_held(client, chat)
    client.logout()
    assert chat.qr.token != token
    assert client.get(f"/api/v1/uploads/{token}/").status_code == 404
    assert client.get(f"/api/v1/uploads/{chat.qr.token}/").status_code == 200


def test_place_filter_lists_a_countys_townships(client, feixi, station, deputy_group, office):
    client.force_login(office)
    at_station = create(client, feixi, f"station:{station.pk}")
    of_group = create(
        client, feixi, f"group:{deputy_group.pk}", platform="qq", name="桃花镇代表小组群"
    )
    client.logout()
    assert of_group.place_code == SITE  # a group without a station: its county
    assert {r["id"] for r in listed(client)["results"]} == {at_station.pk, of_group.pk}
    assert {r["id"] for r in listed(client, place="340123")["results"]} == {
        at_station.pk, of_group.pk}  # fmt: skip
    assert [r["id"] for r in listed(client, place="340123100")["results"]] == [at_station.pk]
    assert listed(client, place="340123101")["count"] == 0
    assert [r["id"] for r in listed(client, platform="qq")["results"]] == [of_group.pk]


def test_other_site_and_plugin_off_404(client, feixi, station, office, site_group):
    client.force_login(office)
    chat = create(client, feixi, f"station:{station.pk}")
    client.logout()
    other = "340121"
    set_enabled("liaison", site_group[other], True)
    assert client.get(api(f"groups/{chat.pk}/", other)).status_code == 404
    assert listed(client, other)["count"] == 0
    set_enabled("liaison", feixi, False)
    assert client.get(api("groups/")).status_code == 404
    assert client.get(api(f"groups/{chat.pk}/")).status_code == 404


def test_the_admin_refuses_bad_input_and_other_sites_stations(
    client, feixi, station, office, site_group
):
    other = m.LiaisonStation.objects.create(site_id=site_group["340121"].site_id,
                                            name="长丰县联络站", division_code="340121100")  # fmt: skip
    client.force_login(office)
    page = client.get(f"{ADMIN}create/").content.decode()
    assert "上派镇人大代表联络站" in page and "长丰县联络站" not in page
    assert 'enctype="multipart/form-data"' in page  # the QR image can be sent
    base = {"site": feixi.site_id, "platform": "wechat", "name": "群", "how_to_join": "扫码",
            "runner_name": "王敏", "is_active": "on"}  # fmt: skip
    refused = [
        {**base, "owner": f"station:{other.pk}", "qr_file": png()},
        {**base, "owner": f"station:{station.pk}"},  # no QR image
        {**base, "owner": f"station:{station.pk}",
         "qr_file": SimpleUploadedFile("qr.png", b"not an image", content_type="image/png")},
    ]  # fmt: skip
    for body in refused:
        assert client.post(f"{ADMIN}create/", body).status_code == 200
    assert GroupChat.objects.count() == 0
    assert "代表联络群" not in client.get(ADMIN).content.decode()


def test_the_admin_lists_only_the_users_sites(client, feixi, station, office, make_user,
                                              site_group):  # fmt: skip
    client.force_login(office)
    create(client, feixi, f"station:{station.pk}")
    assert "上派镇代表联络群" in client.get(ADMIN).content.decode()
    chat = GroupChat.objects.get()
    stranger = make_user("changfeng-office", site_group["340121"].editors_group)
    set_enabled("liaison", site_group["340121"], True)
    client.force_login(stranger)
    assert "上派镇代表联络群" not in client.get(ADMIN).content.decode()
    assert client.get(f"{ADMIN}edit/{chat.pk}/").status_code in (403, 404)


def test_the_demo_has_two_approved_group_chats_on_feixi(
    client, feixi, station, deputy_group, office
):
    from plugins.liaison import demo

    assert demo.load_demo(feixi)["340123-群聊"] == 2
    body = listed(client)
    assert body["count"] == 2
    assert {r["owner_kind"] for r in body["results"]} == {"station", "group"}
    assert {r["platform"] for r in body["results"]} == {"wechat", "qq"}
    for row in body["results"]:
        assert client.get(row["qr_url"]).status_code == 200
    assert "340123-群聊" not in demo.load_demo(feixi)
    assert GroupChat.objects.count() == 2


def test_a_deleted_group_chats_qr_image_goes_private(client, feixi, station, make_user):
    admin = make_user("root-admin", superuser=True)
    client.force_login(admin)
    chat = create(client, feixi, f"station:{station.pk}")
    token = chat.qr.token
    assert client.post(f"{ADMIN}delete/{chat.pk}/").status_code == 302
    client.logout()
    assert not GroupChat.objects.exists()
    assert client.get(f"/api/v1/uploads/{token}/").status_code == 404


def test_every_new_qr_image_waits_for_a_moderators_look(client, feixi, station, office):
    from cms.moderation.models import ModerationItem

    client.force_login(office)
    chat = create(client, feixi, f"station:{station.pk}", approve=False)
    token = chat.qr.token
    item = ModerationItem.objects.get(object_id=str(chat.pk))
    assert [hit["kind"] for hit in item.hits] == ["image"]  # the texts are clean
    page = client.get(f"/admin/moderation/{item.pk}/").content.decode()
    assert "新上传的图片" in page and f'src="/api/v1/uploads/{token}/"' in page
    assert "新图片" in client.get("/admin/moderation/").content.decode()
    # A text edit leaves the same image waiting.
    edit(client, chat, how_to_join="扫码后备注姓名")
    assert chat.moderation_status == "pending"
    client.logout()
    assert listed(client)["count"] == 0
    assert client.get(f"/api/v1/uploads/{token}/").status_code == 404

    client.force_login(office)
    approve_held(client, chat)
    edit(client, chat, runner_role="联络站站长")  # approved image, clean text: stays public
    assert chat.moderation_status == "approved"
    client.logout()
    assert listed(client)["count"] == 1

    client.force_login(office)
    edit(client, chat, qr_file=png("blue"))  # a replaced image: held again
    assert chat.moderation_status == "pending"
    client.logout()
    assert listed(client)["count"] == 0
    assert client.get(f"/api/v1/uploads/{chat.qr.token}/").status_code == 404
    assert client.get(f"/api/v1/uploads/{token}/").status_code == 404  # the old one is private
