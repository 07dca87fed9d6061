"""Demo of 群聊 on 肥西县: the WeChat group of a liaison station and the QQ group of a
deputy group, approved and active, each with a QR image (segno). Running it again
changes nothing (a site with group chats is left alone)."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile

from cms.services import directory, uploads

from . import groups
from .groups import GroupChat, OwnerKind, Platform

SITE = "340123"

#: (owner kind, platform, name, how to join, runner's name, runner's role)
CHATS = (
    (OwnerKind.STATION, Platform.WECHAT, "{owner}群众联络群",
     "微信扫描二维码,入群后请将群昵称改为“姓名+村(社区)”。群内可反映意见建议,代表每周集中回复。",
     "王敏", "联络站专职工作人员"),
    (OwnerKind.GROUP, Platform.QQ, "{owner}履职交流群",
     "QQ扫描二维码申请入群,验证信息填写所在村(社区)。",
     "刘强", "代表小组组长"),
)  # fmt: skip


def _qr_image(text: str) -> ContentFile:
    import segno

    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=8, border=2)
    return ContentFile(out.getvalue(), name="qr.png")


def load(profile, office) -> int:
    if profile.division_code != SITE or GroupChat.objects.filter(site=profile.site).exists():
        return 0
    stations = directory.stations(site_id=profile.site_id)
    deputy_groups = directory.groups(site_id=profile.site_id)
    owners = {OwnerKind.STATION: stations[0] if stations else None,
              OwnerKind.GROUP: deputy_groups[0] if deputy_groups else None}  # fmt: skip
    made = 0
    for kind, platform, name, how, runner, role in CHATS:
        owner = owners[kind]
        if owner is None:
            continue
        upload = uploads.store(_qr_image(f"演示群聊:{owner.name}"), site=profile.site, owner=office)
        chat = GroupChat.objects.create(
            site=profile.site, owner_kind=kind, owner_ref=owner.ref, owner_name=owner.name,
            place_code=owner.division_code, platform=platform, name=name.format(owner=owner.name),
            qr=upload, how_to_join=how, runner_name=runner, runner_role=role,
        )  # fmt: skip
        groups.submit(chat, user=office)
        made += 1
    return made
