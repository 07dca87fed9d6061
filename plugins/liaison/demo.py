"""Demo data: citizens' messages to each demo county's deputies, at every state.

For a county site with deputies (``cms.services.directory``), a handful of demo
citizens (verified mobile accounts, ``cms.services.accounts``) write the
messages of ``LETTERS``; each goes through ``messages.py`` to its goal (so the
history, clocks and notifications are those of the real path), then its dates
are moved back: some answered long ago, some near or past the 3-month line.
The answered ones whose writers agreed are published by the office. Running it
again changes nothing (a site that has demo messages is left alone).
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cms.services import accounts, directory, moderation

from . import messages as flow
from . import publication
from .models import AddressedTo, Message, MessageTransition

#: The demo citizens: (display name, mobile). Fictional; never shown to the public.
CITIZENS = (
    ("王大妈", "13700010001"),
    ("李师傅", "13700010002"),
    ("赵老师", "13700010003"),
    ("孙女士", "13700010004"),
)

#: (title, text, topic, goal, days ago received, consent to publish)
LETTERS = (
    ("村口道路坑洼多", "村口到镇上的道路坑洼较多,雨天积水,电动车容易摔倒,希望尽快修补。",
     "transport", "closed_solved", 70, True),
    ("小区垃圾清运不及时", "小区垃圾桶经常满溢,清运一天只有一次,夏天气味很大。",
     "environment", "closed_unsolved", 60, True),
    ("希望增加公交班次", "早晚高峰公交车间隔太长,上班上学的人等车要半小时以上。",
     "transport", "rated", 40, True),
    ("学校门口交通拥堵", "放学时段学校门口车辆乱停,孩子过马路很危险,建议安排人员疏导。",
     "education", "answered", 20, True),
    ("农村医保报销流程繁琐", "在县医院住院后回村报销需要跑好几趟,希望简化流程。",
     "health", "reopened", 50, False),
    ("河道有人倾倒建筑垃圾", "镇东河道边最近有人夜里倾倒建筑垃圾,影响河道排水。",
     "environment", "forwarded", 30, False),
    ("老旧小区加装电梯", "我们小区都是老人,想加装电梯,不知道怎么申请补贴。",
     "housing", "delivered", 5, False),
    ("菜市场周边占道经营", "菜市场周边占道经营严重,早上车辆无法通行。",
     "governance", "delivered_80", 80, False),
    ("自来水水压不足", "三楼以上自来水水压不足,早晚用水高峰几乎没水。",
     "housing", "delivered_88", 88, False),
    ("路灯长期不亮", "村里主干道路灯坏了三个多月,晚上出行很不方便。",
     "governance", "overdue", 100, False),
    ("对征地补偿标准有疑问", "想了解本村征地补偿标准的依据和发放时间。",
     "social", "screened", 3, False),
    ("推销保健品", "本店保健品大促销,欢迎选购。",
     "other", "rejected", 10, False),
    ("想咨询养老保险", "灵活就业人员怎么缴纳养老保险?",
     "social", "withdrawn", 15, False),
)  # fmt: skip

OFFICE_USERS = {"340123": "feixi_editor"}


def _citizens() -> list:
    return [accounts.citizen_account(mobile, display_name=name).user for name, mobile in CITIZENS]


def _office(profile):
    User = get_user_model()
    user = User.objects.filter(username=OFFICE_USERS.get(profile.division_code, "")).first()
    if user is None and profile.editors_group_id:
        user = profile.editors_group.user_set.filter(is_active=True).order_by("pk").first()
    return user


def _backdate(message: Message, days: int) -> None:
    """Move the moves' dates ``days`` back (received_at was set so when written, and the
    reply clock counts from it): delivered, forwarded, the history's first steps."""
    if days <= 0:
        return
    delta = dt.timedelta(days=days)
    message.refresh_from_db()
    fields = {
        name: getattr(message, name) - delta
        for name in ("delivered_at", "forwarded_at")
        if getattr(message, name)
    }
    Message.objects.filter(pk=message.pk).update(**fields)
    for row in MessageTransition.objects.filter(message=message, to_state__in=(
            "received", "screened", "delivered", "forwarded")):  # fmt: skip
        MessageTransition.objects.filter(pk=row.pk).update(at=row.at - delta)


def _answered_back(message: Message, days: int) -> None:
    Message.objects.filter(pk=message.pk).update(
        answered_at=timezone.now() - dt.timedelta(days=days)
    )


def _write(profile, author, title, text, topic, consent, people, days) -> Message:
    ref, _name = people
    message = Message.objects.create(
        site=profile.site, author=author, addressed_to=AddressedTo.DEPUTY, deputy_ref=ref,
        received_at=timezone.now() - dt.timedelta(days=days),
        title=title, text=text, original_title=title, original_text=text,
        text_hash=flow.text_hash(text), topic=topic, consent_publish=consent,
    )  # fmt: skip
    moderation.submit(message, site=profile.site, author=author)
    return message


def _unit(profile):
    model = apps.get_model("accounts", "HandlingUnit")
    return model.objects.filter(site=profile.site, active=True).order_by("pk").first()


def fill(profile) -> int:
    deputies = [(p.ref, p.name) for p in directory.place_deputies(profile.division_code)]
    if not deputies:
        return 0
    citizens, office, unit = _citizens(), _office(profile), _unit(profile)
    made = 0
    for i, (title, text, topic, goal, days, consent) in enumerate(LETTERS):
        author, deputy = citizens[i % len(citizens)], deputies[i % len(deputies)]
        with transaction.atomic():
            if goal == "screened":
                message = _write(profile, author, title, text, topic, consent, ("", ""), days)
                message.addressed_to = AddressedTo.OFFICE
                message.save(update_fields=["addressed_to"])
            else:
                message = _write(profile, author, title, text, topic, consent, deputy, days)
            flow.received(message, author)
            message.refresh_from_db()
            _to_goal(message, goal, author, office, unit, deputy)
            _backdate(message, days)
        made += 1
    for message in Message.objects.filter(site=profile.site, consent_publish=True,
                                          answered_at__isnull=False):  # fmt: skip
        if office is not None and publication.can_publish(message):
            publication.confirm(message, office, **publication.proposal(message))
            publication.publish(message, office)
    return made


def _to_goal(message, goal, author, office, unit, deputy) -> None:
    if message.state not in (flow.State.SCREENED, flow.State.DELIVERED):
        return  # held or refused by the screening (a site's own word lists): left there
    deputy_user = accounts.deputy_users([deputy[0]]).get(deputy[0])
    reply = "感谢您的留言。已与有关部门沟通,将尽快处理,处理结果会及时告知。"
    if goal == "rejected":
        flow.reject(message, office, "留言内容与代表履职无关。")
    elif goal == "withdrawn":
        flow.withdraw(message, author, "问题已自行解决")
    elif goal == "forwarded" and unit is not None:
        flow.forward(message, unit, office, "请核查处理")
    elif goal in ("answered", "rated", "reopened", "closed_solved", "closed_unsolved"):
        flow.answer(message, deputy_user, reply, deputy[1])
        if goal == "rated":
            flow.rate(message, author, "satisfied", "答复及时")
        if goal == "reopened":
            flow.reopen(message, author, "还想了解具体办理时间")
        if goal.startswith("closed"):
            flow.rate(message, author, "basically" if goal == "closed_solved" else "unsatisfied")
            _answered_back(message, 20)
            message.refresh_from_db()
            flow.answer_solved(message, author, goal == "closed_solved")


def load_demo(profile) -> dict[str, int]:
    """Each county site with deputies gets the demo messages once; the province, Hefei and its
    counties get committee members, their deputies and contact log (``committee_demo``);
    肥西县 gets two approved group chats (``groups_demo``)."""
    from . import committee_demo, groups_demo

    loaded = dict(committee_demo.load(profile))
    chats = groups_demo.load(profile, _office(profile))
    if chats:
        loaded[f"{profile.division_code}-群聊"] = chats
    if profile.level == "county" and not Message.objects.filter(site=profile.site).exists():
        loaded[profile.division_code] = fill(profile)
    return loaded
