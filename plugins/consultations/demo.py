"""Demo data: on the province's site an open consultation on a provincial draft with
comments, and a closed one with its second reading and published feedback report; on
肥西县's site a call for supervision topics with proposals, and last year's call, closed,
its proposals decided and the result published.

The commenters are demo citizens (verified mobile numbers, ``cms.services.accounts``)
and, where the demo has them, deputies with a seat on the site
(``cms.services.directory``). Every move goes through ``workflow``. Running it again
changes nothing (each consultation is found by its title).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.services import accounts, directory, moderation

from . import structure, workflow
from .models import (
    Comment,
    Consultation,
    Kind,
    Outcome,
    Proposal,
    ProposerType,
    Result,
    Stage,
    Status,
    Topic,
)

PROVINCE, COUNTY = "340000", "340123"

OPEN_DRAFT = """安徽省农村供水条例（草案）
（征求意见稿）
第一章　总则
第一条　为了保障农村供水安全，提高农村供水保障水平，根据有关法律、行政法规，结合本省实际，制定本条例。
第二条　本省行政区域内农村供水工程的规划、建设、运行管理及其监督管理活动，适用本条例。
本条例所称农村供水工程，是指向乡镇、村庄居民和单位提供生活、生产用水的供水设施。
第三条　农村供水工作应当坚持政府主导、统筹规划、城乡融合、建管并重的原则。
第二章　规划与建设
第四条　县级以上人民政府水行政主管部门应当会同有关部门编制农村供水规划，报本级人民政府批准后实施。
第五条　编制农村供水规划，应当包括下列内容：
（一）供水现状与需求预测；
（二）水源选择与保护；
（三）工程布局与建设规模；
（四）运行管理与保障措施。
第六条　新建、改建、扩建农村供水工程，应当符合农村供水规划和国家有关技术标准。
第三章　运行管理
第七条　农村供水工程运行管理单位应当建立水质检测制度，定期检测出厂水和末梢水水质。
第八条　供水单位应当公布供水价格、服务标准和投诉电话，接受社会监督。
第九条　任何单位和个人不得擅自在供水管道上接管用水，不得损毁、盗窃供水设施。
第四章　附则
第十条　本条例自2027年3月1日起施行。"""

CLOSED_DRAFT = """合肥市文明养犬规定（草案）
第一条　为了规范养犬行为，维护公共秩序和市容环境卫生，保障公民人身安全，制定本规定。
第二条　本规定适用于本省城市建成区范围内的养犬及其相关管理活动。
第三条　养犬人应当遵守下列规定：
（一）携犬出户时，为犬只束犬链；
（二）及时清除犬只排泄物；
（三）不得携犬进入学校、医院等公共场所。
第四条　公安机关负责养犬登记和管理工作。
第五条　本规定自公布之日起施行。"""

#: The second reading: 第三条 gains the dog tag (comments asked for it), 第四条 names the
#: other departments, a new 第五条 on penalties.
SECOND_DRAFT = CLOSED_DRAFT.replace("为犬只束犬链", "为犬只佩戴犬牌并束犬链").replace(
    "公安机关负责养犬登记和管理工作。",
    "公安机关负责养犬登记和管理工作。城市管理部门按照职责做好相关工作。",
).replace("第五条　本规定自公布之日起施行。",
          "第五条　违反本规定第三条的，由公安机关责令改正，可以处五十元以上二百元以下罚款。\n"
          "第六条　本规定自公布之日起施行。")  # fmt: skip

OPEN_COMMENTS = (
    (4, "建议明确农村供水规划的编制期限和修订周期。"),
    (4, "规划编制时应当听取村民代表的意见。"),
    (7, "建议水质检测结果定期向村民公开。"),
    (7, "末梢水检测频次应当明确,至少每季度一次。"),
    (9, "建议对损毁供水设施的行为规定具体罚则。"),
    (None, "总体赞成,条例对保障农村饮水安全很有必要。"),
)
CLOSED_COMMENTS = (
    (3, "携犬出户应当佩戴犬牌,便于识别管理。", "adopted"),
    (3, "建议规定犬链长度不超过一点五米。", "partly"),
    (4, "建议明确城市管理部门的职责。", "adopted"),
    (4, "养犬登记应当可以网上办理。", "not_adopted"),
    (None, "建议增加违反规定的法律责任。", "adopted"),
)
REASONS = {
    "adopted": "已采纳,草案相应修改。",
    "partly": "部分采纳:犬链长度由公安机关在实施细则中规定。",
    "not_adopted": "网上办理属于工作措施,由公安机关在办事指南中明确,条例不作规定。",
}
PROPOSALS = (
    ("农村饮水安全工作情况", "部分村庄水质不稳定,群众反映较多。", "听取和审议县政府专项工作报告。",
     ProposerType.CITIZEN, ""),
    ("养老服务体系建设情况", "农村养老服务设施利用率不高。", "开展执法检查并专题询问。",
     ProposerType.ORGANISATION, "肥西县老年人协会"),
    ("中小学校园安全管理情况", "校园周边交通安全隐患突出。", "组织代表视察。",
     ProposerType.CITIZEN, ""),
)  # fmt: skip

PAST_PROPOSALS = (
    ("城区停车难问题治理情况", "老城区停车位不足,占道停车影响通行。", "听取和审议县政府专项工作报告。",
     ProposerType.CITIZEN, "", Outcome.INCLUDED, "已列入2026年度监督工作计划,上半年听取专项工作报告。", ""),
    ("农贸市场改造提升情况", "部分农贸市场环境较差。", "组织代表视察。",
     ProposerType.CITIZEN, "", Outcome.MERGED, "与同类建议合并,在城乡环境整治视察中一并安排。",
     "城乡人居环境整治工作情况视察"),
    ("小区物业收费标准", "物业收费标准不一。", "开展专题调研。",
     ProposerType.ORGANISATION, "肥西县消费者协会", Outcome.NOT_INCLUDED,
     "物业收费属于市场调节价,不宜作为监督项目,已转县政府有关部门研究。", ""),
)  # fmt: skip

CITIZENS = ("13900009001", "13900009002", "13900009003", "13900009004", "13900009005")


def _citizens() -> list:
    return [accounts.citizen_account(m, display_name=f"演示群众{i + 1}").user
            for i, m in enumerate(CITIZENS)]  # fmt: skip


def _deputies(site_id: int) -> list:
    refs = accounts.open_deputy_refs()
    seats = directory.seats(refs)
    chosen = [r for r in refs if any(s.current and s.site_id == site_id for s in seats.get(r, []))]
    User = get_user_model()
    return list(User.objects.filter(account__directory_ref__in=chosen[:2]))


def _comment(consultation, version, author, number, text, as_deputy=False) -> Comment:
    article = version.provisions.get(kind="article", number=number) if number else None
    comment = Comment.objects.create(
        site_id=consultation.site_id, consultation=consultation, version=version, provision=article,
        article=article, author=author, as_deputy=as_deputy, text=text,
    )  # fmt: skip
    moderation.submit(comment, site=consultation.site, author=author)
    return comment


def _open_draft(profile, today: dt.date) -> Consultation:
    title = "关于《安徽省农村供水条例(草案)》公开征求意见"
    found = Consultation.objects.filter(site_id=profile.site_id, title=title).first()
    if found:
        return found
    consultation = Consultation.objects.create(
        site_id=profile.site_id, kind=Kind.DRAFT, title=title,
        summary="省人大常委会法工委就条例草案公开征求社会各界意见。",
        explanation="为保障农村供水安全,省人大农业与农村委员会会同有关部门起草了本条例草案。",
        opens_on=today - dt.timedelta(days=5), closes_on=today + dt.timedelta(days=30),
    )  # fmt: skip
    version = workflow.save_version(consultation, structure.parse_text(OPEN_DRAFT))
    workflow.publish(consultation)
    people = _citizens()
    for i, (number, text) in enumerate(OPEN_COMMENTS):
        _comment(consultation, version, people[i % len(people)], number, text)
    for deputy in _deputies(profile.site_id):
        _comment(
            consultation, version, deputy, 7, "建议明确县级水行政主管部门的监督检查职责。", True
        )
    return consultation


def _closed_draft(profile, today: dt.date) -> Consultation:
    title = "关于《安徽省文明养犬规定(草案)》公开征求意见"
    found = Consultation.objects.filter(site_id=profile.site_id, title=title).first()
    if found:
        return found
    consultation = Consultation.objects.create(
        site_id=profile.site_id, kind=Kind.DRAFT, title=title,
        summary="规定草案已完成征求意见,意见采纳情况已公布。",
        explanation="为规范养犬行为、维护公共秩序,起草了本规定草案。",
        opens_on=today - dt.timedelta(days=90), closes_on=today - dt.timedelta(days=55),
    )  # fmt: skip
    first = workflow.save_version(consultation, structure.parse_text(CLOSED_DRAFT))
    Consultation.objects.filter(pk=consultation.pk).update(status=Status.OPEN)
    people = _citizens()
    made = [(_comment(consultation, first, people[i % len(people)], n, text), result)
            for i, (n, text, result) in enumerate(CLOSED_COMMENTS)]  # fmt: skip
    workflow.run_window(today)  # closes it, as the sweep would
    consultation.refresh_from_db()
    second = workflow.save_version(consultation, structure.parse_text(SECOND_DRAFT),
                                   stage=Stage.SECOND, note="根据征求意见情况修改")  # fmt: skip
    changed = {3: second.provisions.get(kind="article", number=3),
               4: second.provisions.get(kind="article", number=4),
               None: second.provisions.get(kind="article", number=5)}  # fmt: skip
    for comment, result in made:
        number = comment.article.number if comment.article else None
        workflow.decide(consultation, [comment.pk], result=result, reason=REASONS[result],
                        changed_provision=changed[number] if result != Result.NOT_ADOPTED else None)  # fmt: skip
    workflow.publish_report(consultation, summary="共收到意见5条,采纳3条,部分采纳1条,未采纳1条。")
    return consultation


def _county_call(profile, today: dt.date) -> Consultation:
    title = "肥西县人大常委会2027年度监督工作项目公开征集"
    found = Consultation.objects.filter(site_id=profile.site_id, title=title).first()
    if found:
        return found
    call = Consultation.objects.create(
        site_id=profile.site_id, kind=Kind.CALL, topic=Topic.SUPERVISION, title=title,
        summary="欢迎社会各界提出2027年度监督工作项目建议。",
        opens_on=today - dt.timedelta(days=3), closes_on=today + dt.timedelta(days=30),
    )  # fmt: skip
    workflow.publish(call)
    people = _citizens()
    for i, (name, reasons, content, kind, org) in enumerate(PROPOSALS):
        proposal = Proposal.objects.create(
            site_id=profile.site_id, call=call, author=people[i], proposer_type=kind,
            organisation=org, title=name, reasons=reasons, content=content,
            created_at=timezone.now() - dt.timedelta(days=2 - i),
        )  # fmt: skip
        moderation.submit(proposal, site=call.site, author=people[i])
    return call


def _county_past_call(profile, today: dt.date) -> Consultation:
    """Last year's call: closed, every proposal decided, the result published (意见采纳情况)."""
    title = "肥西县人大常委会2026年度监督工作项目公开征集"
    found = Consultation.objects.filter(site_id=profile.site_id, title=title).first()
    if found:
        return found
    call = Consultation.objects.create(
        site_id=profile.site_id, kind=Kind.CALL, topic=Topic.SUPERVISION, title=title,
        summary="2026年度监督工作项目建议征集已结束,处理结果已公布。",
        opens_on=today - dt.timedelta(days=400), closes_on=today - dt.timedelta(days=370),
    )  # fmt: skip
    Consultation.objects.filter(pk=call.pk).update(status=Status.OPEN)
    people = _citizens()
    made = []
    for i, (name, reasons, content, kind, org, outcome, why, merged) in enumerate(PAST_PROPOSALS):
        proposal = Proposal.objects.create(
            site_id=profile.site_id, call=call, author=people[i], proposer_type=kind,
            organisation=org, title=name, reasons=reasons, content=content,
            created_at=timezone.now() - dt.timedelta(days=380 - i),
        )  # fmt: skip
        moderation.submit(proposal, site=call.site, author=people[i])
        made.append((proposal, outcome, why, merged))
    workflow.run_window(today)  # closes it, as the sweep would
    for proposal, outcome, why, merged in made:
        proposal.refresh_from_db()
        workflow.decide_proposal(proposal, outcome=outcome, reason=why, merged_into=merged)
    call.refresh_from_db()
    workflow.publish_report(call, summary="共收到项目建议3件,列入1件,合并列入1件,未列入1件。")
    return call


def load_demo(profile) -> dict[str, int]:
    today = timezone.localdate()
    if profile.division_code == PROVINCE:
        _open_draft(profile, today)
        _closed_draft(profile, today)
        return {"consultations": 2}
    if profile.division_code == COUNTY:
        _county_call(profile, today)
        _county_past_call(profile, today)
        return {"calls": 2}
    return {}
