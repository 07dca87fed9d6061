"""The resources API's example payloads for ``frontend_contracts/examples/`` (``make contracts``).

"My resources" are read with the token of a demo deputy in the audience of 肥西县's items
(the recorder's own token is an editor's, in no deputy audience).
"""

from __future__ import annotations

from django.db.models import Count

from cms.plugins.examples import MISSING_ID, SITE, Example, url
from cms.services import accounts

from .models import Receipt, Resource, Status

API = "/api/v1/resources/"


def _reader() -> tuple[dict[str, str], Resource | None]:
    # The demo deputy with the most items on the site (a rich "my resources" list).
    reader = (
        Receipt.objects.filter(resource__site__profile__division_code=SITE,
                               resource__status=Status.PUBLISHED, user__account__isnull=False)
        .exclude(deputy_ref="")
        .values("user_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "user_id")
        .first()
    )  # fmt: skip
    receipt = (
        Receipt.objects.filter(user_id=reader["user_id"], resource__status=Status.PUBLISHED,
                               resource__site__profile__division_code=SITE)
        .select_related("user", "resource")
        .order_by("-resource__published_at")
        .first()
        if reader
        else None
    )  # fmt: skip
    if receipt is None:
        return {}, None
    tokens = accounts.issue_tokens(receipt.user, device_id="export-api-examples-resources")
    return {"Authorization": f"Bearer {tokens.access_token}"}, receipt.resource


def api_examples(recorder) -> list[Example]:
    auth, first = _reader()
    if not auth:
        return []
    plan = [
        Example("resources_list", "resources_list", url(API, site=SITE),
                "带代表的令牌:发送范围包含本人的材料,未读在前", headers=auth),
        Example("resources_list.scope", "resources_list", url(API, site=SITE, scope="ancestors"),
                "本站点及各上级站点发给本人的材料", headers=auth),
        Example("resources_list.q", "resources_list", url(API, site=SITE, q="报告", kind="document"),
                "检索与筛选:类型为文件、含“报告”", headers=auth),
        Example("resources_list.400", "resources_list", url(API, site=SITE, kind="secret"),
                "参数有误", headers=auth),
        Example("resources_categories_list", "resources_categories_list",
                url(f"{API}categories/", site=SITE), "本人有材料的分类", headers=auth),
        Example("resources_retrieve.404", "resources_retrieve",
                url(f"{API}{MISSING_ID}/", site=SITE),
                "不存在、不在发送范围内、已撤回或已过期的材料:同一个 404", headers=auth),
    ]  # fmt: skip
    if first is not None:
        plan.append(Example("resources_retrieve", "resources_retrieve",
                            url(f"{API}{first.pk}/", site=SITE),
                            "材料详情(记录首次阅读),附件下载地址", headers=auth))  # fmt: skip
    return plan
