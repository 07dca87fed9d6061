"""Demo data: a session's worth of suggestions for 肥西县 and 合肥市, at every state.

The deputies are the demo deputies who have accounts (``cms.services.accounts``)
and a current seat on the site (``cms.services.directory``); the handling
units are the site's ``HandlingUnit`` rows (the core demo makes them for
counties; this loader adds two for the city). Every move goes through
``workflow``, so the history, clocks, duty records and notifications are
those the real path makes. Running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.plugins import is_enabled
from cms.services import accounts, directory, sites

from . import workflow
from .models import Kind, MotionRule, Period, Suggestion

DEMO_CODES = ("340123", "340100")
CITY_UNITS = ("交通运输局", "教育局")

#: (title, text, kind, how far it gets, category)
ITEMS = (
    ("关于加快乡村道路提质改造的建议", "部分村组道路路面破损、会车困难,建议纳入提质改造计划,分年度实施。",
     Kind.SUGGESTION, "closed", "transport"),
    ("关于增设农村公交站点的建议", "偏远村组群众出行不便,建议优化公交线路,增设招呼站。",
     Kind.SUGGESTION, "rated", "transport"),
    ("关于加强农村学校师资配备的建议", "乡村学校音体美教师短缺,建议通过交流轮岗补足。",
     Kind.SUGGESTION, "rehandling", "education"),
    ("关于规范校外培训机构管理的建议", "建议加强对校外培训机构收费和安全的监管。",
     Kind.SUGGESTION, "replied", "education"),
    ("关于治理河道沿岸生活垃圾的建议", "部分河道沿岸垃圾堆放,建议建立长效保洁机制。",
     Kind.SUGGESTION, "overdue", "environment"),
    ("关于提高农村养老服务水平的建议", "建议整合闲置校舍建设村级养老服务站。",
     Kind.SUGGESTION, "assigned", "social"),
    ("关于规范农贸市场管理的建议", "农贸市场管理缺乏统一规范,建议出台管理措施。",
     Kind.SUGGESTION, "accepted", "governance"),
    ("关于制定农贸市场管理条例的议案", "农贸市场管理缺乏统一规范,建议制定地方性法规。",
     Kind.MOTION, "agenda", "governance"),
    ("关于老旧小区加装电梯的建议", "老旧小区老年住户上下楼困难,建议简化加装电梯审批。",
     Kind.SUGGESTION, "submitted", ""),
    ("关于为个人解决工作调动的建议", "请求协调本人亲属工作调动。",
     Kind.SUGGESTION, "returned", ""),
    ("关于更换小区路灯的建议", "小区路灯损坏较多。",
     Kind.SUGGESTION, "withdrawn", ""),
    ("关于完善城区停车设施的建议", "城区停车难,建议利用边角地建设停车场。",
     Kind.SUGGESTION, "draft", "transport"),
)  # fmt: skip


def _deputies(site_id: int) -> list:
    """Demo deputies with an open account and a current seat on the site (lead ones first)."""
    refs = accounts.open_deputy_refs()
    seats = directory.seats(refs)
    chosen = [r for r in refs if any(s.current and s.site_id == site_id for s in seats.get(r, []))]
    User = get_user_model()
    users = {
        str(u.account.directory_ref): u
        for u in User.objects.filter(account__directory_ref__in=chosen).select_related("account")
    }
    return [users[r] for r in chosen if r in users]


def _units(profile) -> list:
    model = apps.get_model("accounts", "HandlingUnit")
    if profile.level != "county":
        for suffix in CITY_UNITS:
            model.objects.get_or_create(site=profile.site, name=f"{profile.region_name}{suffix}")
    return list(model.objects.filter(site=profile.site, active=True).order_by("pk"))


#: The demo's office accounts (the core demo's editors) that take in and assign.
OFFICE_USERS = {"340123": "feixi_editor", "340100": "hefei_editor"}


def _staff(code: str):
    return get_user_model().objects.filter(username=OFFICE_USERS.get(code, "")).first()


def fill(profile) -> int:
    """This site's demo suggestions, once its deputies have accounts; returns how many."""
    if Suggestion.objects.filter(site_id=profile.site_id).exists():
        return 0
    deputies = _deputies(profile.site_id)
    units = _units(profile)
    if not deputies or not units:
        return 0
    office = _staff(profile.division_code)
    today = timezone.localdate()
    for index, (title, text, kind, goal, category) in enumerate(ITEMS):
        author = deputies[index % len(deputies)]
        cosigner = deputies[(index + 1) % len(deputies)]
        signers = [cosigner] if cosigner.pk != author.pk and index % 2 == 0 else []
        if kind == Kind.MOTION:  # a motion needs its level's number of signers (10)
            needed = MotionRule.signers_for(profile) - 1
            signers = [d for d in deputies if d.pk != author.pk][:needed]
            if len(signers) < needed:
                continue
        suggestion = Suggestion.objects.create(
            site_id=profile.site_id, kind=kind, title=title, text=text, author=author,
            deputy_ref=workflow.deputy_ref(author), deputy_name=author.account.display_name,
            period=Period.SESSION if index < 6 else Period.RECESS, on_paper=index == 5,
            entered_by=office if index == 5 else None,
        )  # fmt: skip
        workflow.move_created(suggestion, office if index == 5 else author)
        if signers:
            workflow.invite_cosigners(suggestion, [workflow.deputy_ref(d) for d in signers])
        if goal == "draft":
            continue
        workflow.submit(suggestion, author)
        for signer in signers:
            workflow.confirm_cosign(suggestion, signer)
        if goal == "withdrawn":
            workflow.withdraw(suggestion, author, "问题已解决")
            continue
        if goal == "submitted":
            continue
        if goal == "returned":
            workflow.return_to_deputy(
                suggestion, office, "反映的是个人事项,不属于代表建议的范围,请通过信访渠道反映。"
            )
            continue
        workflow.accept(suggestion, office, category)
        if goal == "accepted":
            continue
        if goal == "agenda":
            workflow.presidium(suggestion, office, workflow.AGENDA, "提请大会审议")
            continue
        lead, co = units[index % len(units)], units[(index + 1) % len(units)]
        days = 110 if goal == "overdue" else 50
        workflow.assign(suggestion, office, lead, [co] if co.pk != lead.pk else [],
                        on=today - dt.timedelta(days=days))  # fmt: skip
        if goal in ("assigned", "overdue"):
            continue
        replier = lead.members.first()
        promise = {} if goal == "closed" else {
            "commitment": "列入年度工作计划,年内完成。",
            "commitment_due": today + dt.timedelta(days=-10 if goal == "rated" else 120),
        }  # fmt: skip
        workflow.reply(suggestion, replier, reply_class="B" if goal != "closed" else "A",
                       text=f"关于“{title}”:我单位已会同有关部门研究,列入年度工作计划推进。",
                       signed_by="单位负责人", **promise)  # fmt: skip
        if goal == "replied":
            continue
        raters = workflow.raters(suggestion)
        if goal == "rehandling":
            workflow.rate(suggestion, raters[0], "unsatisfied", "答复未明确完成时间。")
            continue
        for rater in raters:
            workflow.rate(suggestion, rater, "satisfied" if goal == "closed" else "basically")
        if goal == "closed":
            workflow.close(suggestion, office)
    return len(ITEMS)


def load_demo(profile) -> dict[str, int]:
    """肥西县 and 合肥市 get their suggestions (whichever of them has deputies' accounts by now)."""
    if profile.division_code not in DEMO_CODES:
        return {}
    created = {}
    for code in DEMO_CODES:
        try:
            target = sites.get_site_profile(code)
        except sites.UnknownDivisionCode:
            continue
        if is_enabled("suggestions", target.site_id):
            created[code] = fill(target)
            publish_demo(target)
    return created


def publish_demo(profile) -> int:
    """The rated and closed demo items are published (the proposal confirmed as it is);
    the other replied ones wait in 答复公开. Items already handled are left alone."""
    from . import publication
    from .models import Publication, State

    office = _staff(profile.division_code)
    done = 0
    rows = Suggestion.objects.filter(site_id=profile.site_id, state__in=(State.RATED, State.CLOSED))
    for suggestion in rows.exclude(pk__in=Publication.objects.values("suggestion_id")):
        publication.confirm(suggestion, office, **publication.proposal(suggestion))
        publication.publish(suggestion, office)
        done += 1
    return done
