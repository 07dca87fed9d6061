"""Demo data: a session's worth of suggestions for 肥西县 and 合肥市, at every state.

Each site gets the eleven items of ``ITEMS`` (合肥市 in its own words) and the session's
others of ``MORE``: replies of every class, some late, some overdue, some re-handled;
the same topics raised by the county and the city are the labelled duplicates.

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


#: 合肥市's own wording of the same matters (the same index in ``ITEMS``): a county and its
#: city raise the same topic in other words, which the duplicate check must find.
CITY_WORDING = (
    ("关于推进全市农村公路提档升级的建议", "农村公路路面窄、破损多,会车困难,建议制定提档升级计划,逐年改造。"),
    ("关于优化农村公交线路和站点布局的建议", "部分村庄距公交站点远,群众出行不便,建议调整线路,增设站点。"),
    ("关于补齐乡村学校音体美教师缺口的建议", "乡村学校音乐、体育、美术教师不足,建议通过城乡教师交流轮岗解决。"),
    ("关于加强校外培训机构监管的建议", "校外培训机构收费不透明、安全隐患多,建议加强日常监管。"),
    ("关于建立河道保洁长效机制的建议", "河道沿岸垃圾乱堆乱放,建议落实保洁责任,建立长效管护机制。"),
    ("关于利用闲置校舍发展农村养老服务的建议", "农村闲置校舍较多,建议改造为村级养老服务站,提升养老服务水平。"),
    ("关于加强全市农贸市场规范化管理的建议", "农贸市场占道经营、环境卫生差,建议加强日常管理和执法检查。"),
    ("关于制定全市农贸市场管理条例的议案", "农贸市场管理规范不统一,建议制定地方性法规加以规范。"),
    ("关于简化老旧小区加装电梯审批程序的建议", "老旧小区加装电梯审批环节多,建议简化程序,加大补贴。"),
    ("关于协调解决个人职称评定的建议", "请求协调本人职称评定事宜。"),
    ("关于维修小区路灯的建议", "小区多处路灯损坏,夜间出行不便。"),
    ("关于利用边角地建设公共停车场的建议", "城区停车位紧张,建议利用边角地建设公共停车场。"),
)  # fmt: skip

#: The rest of the session: (topic, category, goal, reply class, the county's wording, the
#: city's wording); ``None``: that level does not raise it. Items of the same topic are the
#: labelled duplicates of ``manage.py suggestion_duplicates``; the others are near misses
#: (the same field, another matter).
MORE = (
    ("school_bus", "education", "rated", "A",
     ("关于解决农村学生上下学接送难的建议", "部分乡镇学校距离村庄较远,学生上下学依靠家长接送,建议开通校车线路,保障学生交通安全。"),
     ("关于在全市农村地区开通校车的建议", "农村学生上下学路途远、接送难,存在交通安全隐患,建议统筹开通农村校车线路。")),
    ("drinking_water", "environment", "closed", "A",
     ("关于保障农村饮水安全的建议", "部分村庄自来水水压不足、水质不稳定,建议实施农村供水管网改造,保障饮水安全。"),
     ("关于推进城乡供水一体化的建议", "农村供水管网老化,水质水压难以保障,建议推进城乡供水一体化,让农村群众喝上放心水。")),
    ("village_doctors", "health", "late", "B",
     ("关于加强村卫生室医生队伍建设的建议", "村医年龄偏大、待遇偏低,后继乏人,建议提高村医补助,定向培养乡村医生。"),
     ("关于稳定乡村医生队伍的建议", "乡村医生收入低、养老无保障,队伍不稳定,建议提高乡村医生待遇并定向培养。")),
    ("straw", "agriculture", "overdue", "",
     ("关于秸秆综合利用的建议", "秸秆禁烧压力大,综合利用渠道少,建议扶持秸秆收储和加工企业。"),
     ("关于完善秸秆收储利用体系的建议", "秸秆综合利用率不高,收储点少,建议建设秸秆收储中心,扶持秸秆加工利用。")),
    ("elderly_meals", "social", "rehandling", "C",
     ("关于开办农村老年助餐点的建议", "农村留守老人吃饭难,建议依托村级养老服务站开办老年食堂。"),
     ("关于推广社区老年食堂的建议", "独居和高龄老人就餐不便,建议在社区和村开办老年食堂,提供助餐服务。")),
    ("reservoirs", "agriculture", "late", "A",
     ("关于加固小型水库堤坝的建议", "部分小型水库年久失修,汛期存在安全隐患,建议安排资金除险加固。"),
     ("关于实施小型病险水库除险加固的建议", "全市仍有小型水库带病运行,建议加大投入,开展除险加固。")),
    ("bus_fares", "transport", "replied", "C",
     ("关于规范农村客运票价的建议", "部分农村客运班线票价偏高、收费不规范,建议加强票价监管。"), None),
    ("teacher_housing", "education", "closed", "B",
     None, ("关于建设乡村教师周转宿舍的建议", "乡村学校教师住宿条件差,建议建设教师周转宿舍,稳定乡村教师队伍。")),
    ("charging", "transport", "assigned", "",
     ("关于在乡镇增设新能源汽车充电桩的建议", "乡镇充电设施少,新能源汽车充电难,建议在乡镇政府驻地和集镇增设充电桩。"), None),
    ("food_testing", "governance", "replied", "D",
     None, ("关于加强农贸市场食品安全检测的建议", "农贸市场快检设施不足,建议配齐食品安全快速检测设备。")),
    ("hospital_parking", "transport", "rated", "B",
     None, ("关于缓解医院周边停车难的建议", "市区大医院周边停车难、交通拥堵,建议建设立体停车场并错时开放。")),
    ("ponds", "environment", "late", "D",
     ("关于落实河长制加强小微水体治理的建议", "村内沟塘水体黑臭,建议将小微水体纳入河长制管理,定期清淤。"), None),
)  # fmt: skip

#: The topic of each item of ``ITEMS`` (index → topic): the county's and the city's wording
#: are one topic, except the personal matters, which differ.
ITEM_TOPICS = ("roads", "bus_stops", "teachers", "tutoring", "river_litter", "elderly_care",
               "market_management", "market_rules", "lifts", "personal", "street_lights",
               "parking")  # fmt: skip


def labelled_topics() -> dict[str, str]:
    """Title → topic for every demo wording: the labels the duplicate check is measured on."""
    labels = {}
    for index, item in enumerate(ITEMS):
        labels[item[0]] = ITEM_TOPICS[index]
        personal = ITEM_TOPICS[index] == "personal"  # two different personal matters
        labels[CITY_WORDING[index][0]] = ITEM_TOPICS[index] + ("_city" if personal else "")
    for topic, _category, _goal, _cls, county, city in MORE:
        for wording in (county, city):
            if wording:
                labels[wording[0]] = topic
    return labels


def session_of(profile, period: str) -> str:
    if period == Period.RECESS:
        return f"闭会期间({timezone.localdate().year}年)"
    return f"{profile.region_name}第十七届人民代表大会第五次会议"


def _items(profile) -> list[tuple]:
    """(title, text, kind, goal, category, reply class, period, on paper) of this site."""
    city = profile.level != "county"
    rows = []
    for index, (title, text, kind, goal, category) in enumerate(ITEMS):
        if city:
            title, text = CITY_WORDING[index]
        period = Period.SESSION if index < 6 else Period.RECESS
        rows.append((title, text, kind, goal, category, "A" if goal == "closed" else "B", period,
                     index == 5))  # fmt: skip
    for _topic, category, goal, cls, county, city_wording in MORE:
        wording = city_wording if city else county
        if wording:
            rows.append((*wording, Kind.SUGGESTION, goal, category, cls, Period.SESSION, False))
    return rows


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
    items = _items(profile)
    for index, (title, text, kind, goal, category, cls, period, paper) in enumerate(items):
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
            period=period, session=session_of(profile, period), on_paper=paper,
            entered_by=office if paper else None,
        )  # fmt: skip
        workflow.move_created(suggestion, office if paper else author)
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
        # Overdue ones and late replies were assigned more than three months ago.
        days = 110 if goal in ("overdue", "late") else 50 - index
        workflow.assign(suggestion, office, lead, [co] if co.pk != lead.pk else [],
                        on=today - dt.timedelta(days=days))  # fmt: skip
        if goal in ("assigned", "overdue"):
            continue
        replier = lead.members.first()
        # A B or C reply carries its promise; the rated item's is overdue on the board.
        promise = {} if cls not in workflow.COMMITTING else {
            "commitment": "列入年度工作计划,年内完成。",
            "commitment_due": today + dt.timedelta(days=-10 if goal == "rated" else 120),
        }  # fmt: skip
        workflow.reply(suggestion, replier, reply_class=cls,
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
            if suggestion.commitment_open:  # the promise kept before the item is closed
                workflow.confirm_commitment(suggestion, office, "已按承诺完成。")
            workflow.close(suggestion, office)
    return len(items)


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
