"""The suggestions API's example payloads for ``frontend_contracts/examples/`` (``make contracts``).

"My suggestions" are read with the token of a demo deputy who leads some on
肥西县's site (the recorder's own token is an editor's, who has none).
"""

from __future__ import annotations

from cms.plugins.examples import MISSING_ID, SITE, Example, url
from cms.services import accounts

from .models import State, Suggestion

API = "/api/v1/suggestions/"


def _deputy_auth() -> tuple[dict[str, str], Suggestion | None]:
    shown = Suggestion.objects.filter(site__profile__division_code=SITE, author__isnull=False)
    example = shown.filter(state=State.REHANDLING).first() or shown.first()
    if example is None:
        return {}, None
    tokens = accounts.issue_tokens(example.author, device_id="export-api-examples")
    return {"Authorization": f"Bearer {tokens.access_token}"}, example


def statistics_examples() -> list[Example]:
    """The public statistics: no login; a city rolls up its counties."""
    return [
        Example("suggestions_statistics", "suggestions_statistics", url(f"{API}statistics/", site="340100"),
                "公开统计:合肥市及其下各县区的汇总(本级一行,各县区各一行),承办单位按名称排列"),
        Example("suggestions_statistics.session", "suggestions_statistics",
                url(f"{API}statistics/", site=SITE, session="肥西县第十七届人民代表大会第五次会议"),
                "按届次会议筛选"),
        Example("suggestions_statistics.400", "suggestions_statistics",
                url(f"{API}statistics/", site=SITE, since="2026-05-01", until="2026-04-01"),
                "参数有误:结束日期早于开始日期"),
    ]  # fmt: skip


PUBLIC = "/api/v1/suggestions/published/"


def public_examples(recorder) -> list[Example]:
    """The public routes, anonymous: the published items with their confirmed public texts."""
    results = recorder.get_json(url(PUBLIC, site=SITE))["results"]
    plan = [Example("suggestions_published_list", "suggestions_published_list",
                    url(PUBLIC, site=SITE, limit=3),
                    "公开的议案建议及答复(办公室确认的公开文本,已去除联系方式和秘密)")]  # fmt: skip
    if results:
        first = results[0]
        if first["category"]:
            plan.append(Example("suggestions_published_list.category", "suggestions_published_list",
                                url(PUBLIC, site=SITE, category=first["category"]), "按分类筛选"))  # fmt: skip
        plan.append(Example("suggestions_published_retrieve", "suggestions_published_retrieve",
                            url(f"{PUBLIC}{first['id']}/", site=SITE), "公开的议案建议及答复详情"))  # fmt: skip
    plan.append(Example("suggestions_published_retrieve.404", "suggestions_published_retrieve",
                        url(f"{PUBLIC}{MISSING_ID}/", site=SITE), "不存在或未公开的议案建议"))  # fmt: skip
    return plan


def api_examples(recorder) -> list[Example]:
    public = public_examples(recorder)
    auth, example = _deputy_auth()
    if not auth:
        return public + statistics_examples()
    return public + statistics_examples() + [
        Example("suggestions_list", "suggestions_list", url(API, site=SITE),
                "带代表的令牌:我领衔或受邀附议的议案建议,含状态、答复期限、承办单位、答复、评价和办理记录",
                headers=auth),
        Example("suggestions_list.state", "suggestions_list", url(API, site=SITE, state="rehandling"),
                "按状态筛选:重新办理中的", headers=auth),
        Example("suggestions_retrieve", "suggestions_retrieve",
                url(f"{API}{example.pk}/", site=SITE), "议案建议详情", headers=auth),
        Example("suggestions_retrieve.404", "suggestions_retrieve",
                url(f"{API}{MISSING_ID}/", site=SITE), "不存在或不是本人的议案建议", headers=auth),
    ]  # fmt: skip
