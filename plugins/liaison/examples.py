"""The liaison API's example payloads for ``frontend_contracts/examples/`` (``make contracts``).

The public answers anonymously; "my messages" with the token of a demo citizen
who wrote on 肥西县's site, the inbox with the token of a deputy who received one.
"""

from __future__ import annotations

from cms.plugins.examples import MISSING_ID, SITE, Example, url
from cms.services import accounts

from .models import Message

API = "/api/v1/liaison/"
PUBLIC = f"{API}published/"


def _auth(user) -> dict[str, str]:
    tokens = accounts.issue_tokens(user, device_id="export-api-examples")
    return {"Authorization": f"Bearer {tokens.access_token}"}


def public_examples(recorder) -> list[Example]:
    results = recorder.get_json(url(PUBLIC, site=SITE))["results"]
    plan = [Example("liaison_published_list", "liaison_published_list", url(PUBLIC, site=SITE, limit=3),
                    "公开的群众留言及答复(留言人同意、办公室去除个人信息后公开;不含留言人信息)")]  # fmt: skip
    if results:
        plan.append(Example("liaison_published_retrieve", "liaison_published_retrieve",
                            url(f"{PUBLIC}{results[0]['id']}/", site=SITE), "公开的留言及答复详情"))  # fmt: skip
    plan.append(Example("liaison_published_retrieve.404", "liaison_published_retrieve",
                        url(f"{PUBLIC}{MISSING_ID}/", site=SITE), "不存在或未公开的留言"))  # fmt: skip
    return plan


STATISTICS = f"{API}statistics/"


def statistics_examples() -> list[Example]:
    """The public statistics: no login; a city rolls up its counties."""
    return [
        Example("liaison_statistics", "liaison_statistics", url(STATISTICS, site="340100"),
                "公开统计:合肥市及其下各县区的群众留言办理情况(本级一行,各县区各一行,另按类别)"),
        Example("liaison_statistics.topic", "liaison_statistics",
                url(STATISTICS, site=SITE, topic="transport"), "按类别筛选:交通出行"),
        Example("liaison_statistics.400", "liaison_statistics",
                url(STATISTICS, site=SITE, since="2026-05-01", until="2026-04-01"),
                "参数有误:结束日期早于开始日期"),
    ]  # fmt: skip


GROUPS = f"{API}groups/"


def group_examples(recorder) -> list[Example]:
    results = recorder.get_json(url(GROUPS, site=SITE))["results"]
    plan = [Example("liaison_groups_list", "liaison_groups_list", url(GROUPS, site=SITE),
                    "联络站和代表小组的微信群、QQ群(审核通过且启用的;可按乡镇或县区区划代码筛选)")]  # fmt: skip
    if results:
        plan.append(Example("liaison_groups_retrieve", "liaison_groups_retrieve",
                            url(f"{GROUPS}{results[0]['id']}/", site=SITE),
                            "群聊详情(含二维码图片地址、入群方式和管理人)"))  # fmt: skip
    plan.append(Example("liaison_groups_retrieve.404", "liaison_groups_retrieve",
                        url(f"{GROUPS}{MISSING_ID}/", site=SITE), "不存在、未审核通过或已停用的群聊"))  # fmt: skip
    return plan


def citizen_examples() -> list[Example]:
    mine = Message.objects.filter(site__profile__division_code=SITE, author__isnull=False)
    example = mine.filter(state="answered").first() or mine.first()
    if example is None:
        return []
    auth = _auth(example.author)
    return [
        Example("liaison_messages_list", "liaison_messages_list", url(f"{API}messages/", site=SITE),
                "带群众的令牌:我的留言,含状态、答复期限、答复、评价和办理记录", headers=auth),
        Example("liaison_messages_retrieve", "liaison_messages_retrieve",
                url(f"{API}messages/{example.pk}/", site=SITE), "我的留言详情", headers=auth),
        Example("liaison_messages_retrieve.404", "liaison_messages_retrieve",
                url(f"{API}messages/{MISSING_ID}/", site=SITE), "不存在或不是本人的留言", headers=auth),
    ]  # fmt: skip


def deputy_examples() -> list[Example]:
    rows = Message.objects.filter(site__profile__division_code=SITE, moderation_status="approved")
    for message in rows.exclude(state="received").prefetch_related("recipients"):
        refs = [r.deputy_ref for r in message.recipients.all()]
        users = accounts.deputy_users(refs)
        if users:
            break
    else:
        return []
    auth = _auth(next(iter(users.values())))
    return [
        Example("liaison_inbox_list", "liaison_inbox_list", url(f"{API}inbox/", site=SITE),
                "带代表的令牌:送达我的群众留言(不含留言人信息)", headers=auth),
        Example("liaison_inbox_retrieve", "liaison_inbox_retrieve",
                url(f"{API}inbox/{message.pk}/", site=SITE), "群众留言详情(含答复期限和办理记录)",
                headers=auth),
    ]  # fmt: skip


def unit_examples() -> list[Example]:
    message = Message.objects.filter(site__profile__division_code=SITE, unit__isnull=False).first()
    staff = message.unit.members.filter(is_active=True).first() if message else None
    if staff is None:
        return []
    auth = _auth(staff)
    return [
        Example("liaison_unit_messages_list", "liaison_unit_messages_list",
                url(f"{API}unit-messages/", site=SITE), "带承办单位工作人员的令牌:转交本单位的群众留言",
                headers=auth),
        Example("liaison_unit_messages_retrieve", "liaison_unit_messages_retrieve",
                url(f"{API}unit-messages/{message.pk}/", site=SITE), "转办留言详情", headers=auth),
    ]  # fmt: skip


def api_examples(recorder) -> list[Example]:
    from . import committee_examples

    return (public_examples(recorder) + statistics_examples() + group_examples(recorder)
            + citizen_examples() + deputy_examples() + unit_examples()
            + committee_examples.api_examples(recorder))  # fmt: skip
