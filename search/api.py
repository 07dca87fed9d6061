"""``/api/v1/search/`` and ``/api/v1/search/suggest/``: site-group search for frontends.

The site is explicit (``?site=<division code>``), as everywhere in the API;
``scope=descendants`` widens the search to the sites below it (a city and its
counties, the province and everything). A nine-digit township code searches
that township's column on its county's site.

Plugin records seen only by an audience (``RecordProvider.audience_field``) are
searched for a caller the audience includes: the caller's audiences
(``cms.services.audience.matching``) are read once per request and narrow the
hits, the counts, the facets and the suggestions alike; an anonymous caller
searches public documents only. An answer that may hold such records is the
caller's own (``Cache-Control: private, no-store``), never a shared cached one.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from cms.api.conventions import (
    SITE_PARAMETER,
    ApiProblem,
    invalid_parameters,
    level_field,
    problem_responses,
    resolve_site,
)
from cms.sitegroup.tree import descendants

from .backends import SearchQuery, get_engine

try:  # the API's shared throttle classes, when present
    from cms.api.throttling import SearchRateThrottle
except ImportError:  # pragma: no cover - depends on the tree

    class SearchRateThrottle(ScopedRateThrottle):
        """Per-client rate on search (``REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['search']``,
        else ``LIANXI_SEARCH_THROTTLE_RATE``, default 120/minute)."""

        def get_rate(self):
            rates = getattr(settings, "REST_FRAMEWORK", {}).get("DEFAULT_THROTTLE_RATES", {})
            return rates.get(self.scope) or getattr(
                settings, "LIANXI_SEARCH_THROTTLE_RATE", "120/minute"
            )


MAX_PAGE_SIZE = 50


# --- parameters -------------------------------------------------------------------


class CommaListField(serializers.ListField):
    """Repeated (``type=a&type=b``) or comma-separated (``type=a,b``) values."""

    def get_value(self, dictionary):
        if hasattr(dictionary, "getlist"):
            values = [v for raw in dictionary.getlist(self.field_name) for v in raw.split(",")]
            values = [v.strip() for v in values if v.strip()]
            return values or serializers.empty
        return super().get_value(dictionary)


class SearchParams(serializers.Serializer):
    q = serializers.CharField(max_length=100, trim_whitespace=True)
    site = serializers.CharField()
    scope = serializers.ChoiceField(choices=["site", "descendants"], default="site")
    type = CommaListField(child=serializers.CharField(max_length=64), required=False, max_length=20)
    kind = CommaListField(child=serializers.CharField(max_length=64), required=False, max_length=20)
    column = serializers.IntegerField(required=False, min_value=1)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    page = serializers.IntegerField(required=False, min_value=1, max_value=500, default=1)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=20
    )
    facets = serializers.BooleanField(required=False, default=True)

    def validate(self, attrs):
        if (
            attrs.get("date_from")
            and attrs.get("date_to")
            and attrs["date_from"] > attrs["date_to"]
        ):
            raise serializers.ValidationError({"date_to": _("结束日期不能早于开始日期。")})
        return attrs


class SuggestParams(serializers.Serializer):
    q = serializers.CharField(max_length=50, trim_whitespace=True)
    site = serializers.CharField()
    scope = serializers.ChoiceField(choices=["site", "descendants"], default="site")
    limit = serializers.IntegerField(required=False, min_value=1, max_value=20, default=10)


# --- responses ----------------------------------------------------------------------


class HitSiteSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="站点行政区划代码")
    level = level_field(site_levels=True)


class HitSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="索引键,如 page:12 或 example.entry:5")
    family = serializers.ChoiceField(choices=["page", "record"])
    type = serializers.CharField(help_text="页面类型(article…)或插件记录类型(example.entry…)")
    id = serializers.IntegerField(source="object_id")
    title = serializers.CharField()
    title_highlight = serializers.CharField(help_text="HTML,查询词以 <em> 标出")
    snippet = serializers.CharField(help_text="HTML 摘录,查询词以 <em> 标出")
    url = serializers.CharField(help_text="站内路径")
    date = serializers.DateField(allow_null=True)
    site = serializers.SerializerMethodField()
    column_id = serializers.IntegerField(allow_null=True)
    plugin = serializers.CharField(help_text="插件标签;页面为空字符串")

    @extend_schema_field(HitSiteSerializer)
    def get_site(self, hit) -> dict:
        return {"code": hit.site_code, "level": hit.level}


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    count = serializers.IntegerField()


class FacetsSerializer(serializers.Serializer):
    site = FacetValueSerializer(many=True)
    level = FacetValueSerializer(many=True)
    type = FacetValueSerializer(many=True)


class SearchResponseSerializer(serializers.Serializer):
    query = serializers.CharField()
    site = serializers.CharField()
    scope = serializers.CharField()
    count = serializers.IntegerField(help_text="匹配总数;count_exact 为 false 时为下限")
    count_exact = serializers.BooleanField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = HitSerializer(many=True)
    facets = FacetsSerializer(required=False)


class SuggestionSerializer(serializers.Serializer):
    title = serializers.CharField()
    title_highlight = serializers.CharField()
    url = serializers.CharField()
    type = serializers.CharField()
    site = serializers.CharField(source="site_code")


class SuggestResponseSerializer(serializers.Serializer):
    query = serializers.CharField()
    results = SuggestionSerializer(many=True)


# --- helpers -----------------------------------------------------------------------


def _site_scope(code: str, scope: str):
    """(place, site ids, column path, scope token) or a problem response."""
    try:
        place = resolve_site(code)
    except ApiProblem as problem:
        return problem.as_response()
    code = place.profile.division_code
    if place.township is not None:
        return place, [place.profile.site_id], place.township.path, f"st{code}"
    if scope == "descendants":
        ids = [p.site_id for p in descendants(place.profile, include_self=True)]
        # Below the top of the group (no parent) is everything: its token is on every
        # entry, narrows nothing and only costs; the site list alone keeps the scope.
        return place, ids, "", "" if place.profile.parent_id is None else f"tr{code}"
    return place, [place.profile.site_id], "", f"st{code}"


def hidden_plugin_sites(site_ids: list[int]) -> dict[str, list[int]]:
    """Plugins with searchable records → the sites in ``site_ids`` that switched them off."""
    from cms.plugins.registry import enabled_site_ids

    from .registry import get_providers

    hidden = {}
    for label in sorted({p.plugin for p in get_providers() if p.plugin}):
        try:
            enabled = enabled_site_ids(label)
        except LookupError:  # a provider outside any plugin
            continue
        off = [sid for sid in site_ids if sid not in enabled]
        if off:
            hidden[label] = off
    return hidden


PRIVATE = "private, no-store"


def viewer_audiences(request) -> tuple[int, ...]:
    """The ids of the audiences that include the caller (once per request); ``()`` for an
    anonymous caller. Records restricted to other audiences are never searched."""
    cached = getattr(request, "_lianxi_search_audiences", None)
    if cached is not None:
        return cached
    from cms.services.audience import matching

    user = getattr(request, "user", None)
    found: tuple[int, ...] = ()
    if user is not None and user.is_authenticated:
        found = tuple(sorted({row["audience_id"] for row in matching(user)}))
    request._lianxi_search_audiences = found
    return found


def _private(response, audiences) -> Response:
    """Restricted records may be in the answer: it is the caller's own, never cached."""
    if audiences:
        response["Cache-Control"] = PRIVATE
    return response


SCOPE_PARAM = OpenApiParameter(
    "scope", OpenApiTypes.STR, enum=["site", "descendants"], default="site",
    description="site:仅本站;descendants:本站及下级站点(市及所辖县,省及全部)。",
)  # fmt: skip
PROBLEMS = problem_responses(not_found="站点不存在", **{"429": "请求过于频繁"})


class SearchView(APIView):
    """Full-text search across the site group (Chinese-aware)."""

    permission_classes = [AllowAny]  # anonymous search; documented with {} in security
    throttle_classes = [SearchRateThrottle]
    throttle_scope = "search"

    @extend_schema(
        operation_id="search",
        summary="站内搜索",
        description=(
            "中文全文检索:任何一个或多个汉字的查询词都能找到包含它的全部内容;多个词以空格分隔,"
            "须同时出现。标题匹配排在正文匹配之前,同等相关时新的在前。"
        ),
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, required=True, description="查询词,如 代表 建议"
            ),
            SITE_PARAMETER,
            SCOPE_PARAM,
            OpenApiParameter(
                "type",
                OpenApiTypes.STR,
                many=True,
                explode=False,
                description="页面类型(article, regulation, report, meeting, column…),逗号分隔",
            ),
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                many=True,
                explode=False,
                description="插件记录类型,如 example.entry,逗号分隔",
            ),
            OpenApiParameter(
                "column", OpenApiTypes.INT, description="栏目页面 id:只搜该栏目下的页面"
            ),
            OpenApiParameter("date_from", OpenApiTypes.DATE, description="起始日期(含)"),
            OpenApiParameter("date_to", OpenApiTypes.DATE, description="结束日期(含)"),
            OpenApiParameter("page", OpenApiTypes.INT, default=1),
            OpenApiParameter(
                "page_size",
                OpenApiTypes.INT,
                default=20,
                description=f"每页条数,最大 {MAX_PAGE_SIZE}",
            ),
            OpenApiParameter(
                "facets",
                OpenApiTypes.BOOL,
                default=True,
                description="是否返回按站点、层级、类型的分面计数",
            ),
        ],  # fmt: skip
        responses={200: SearchResponseSerializer, **PROBLEMS},
        examples=[OpenApiExample("代表", value={"q": "代表"}, request_only=True)],
    )
    def get(self, request):
        params = SearchParams(data=request.query_params)
        site_code = request.query_params.get("site", "").strip()
        if not site_code:
            return _site_scope("", "site")
        if not params.is_valid():
            return invalid_parameters(params.errors)
        data = params.validated_data
        scoped = _site_scope(data["site"].strip(), data["scope"])
        if not isinstance(scoped, tuple):
            return scoped
        place, site_ids, column_path, scope_token = scoped
        audiences = viewer_audiences(request)
        if data.get("column"):
            from wagtail.models import Page

            column = Page.objects.filter(pk=data["column"]).values_list("path", flat=True).first()
            if column is None:
                return invalid_parameters({"column": [_("栏目不存在。")]})
            if column_path and not column.startswith(column_path):
                return Response(self._empty(data))
            column_path = column
        size, page = data["page_size"], data["page"]
        query = SearchQuery(
            q=data["q"],
            site_ids=site_ids,
            scope_token=scope_token,
            types=[*data.get("type", []), *data.get("kind", [])],
            column_path=column_path,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            hidden=hidden_plugin_sites(site_ids),
            audiences=audiences,
            offset=(page - 1) * size,
            limit=size,
            facets=data["facets"],
        )
        result = get_engine().search(query)
        body = {
            "query": data["q"],
            "site": data["site"],
            "scope": data["scope"],
            "count": result.total,
            "count_exact": result.total_exact,
            "page": page,
            "page_size": size,
            "next": self._link(request, page + 1) if page * size < result.total else None,
            "previous": self._link(request, page - 1) if page > 1 else None,
            "results": HitSerializer(result.hits, many=True).data,
        }
        if data["facets"]:
            body["facets"] = {
                name: [{"value": k, "count": v} for k, v in result.facets.get(name, {}).items()]
                for name in ("site", "level", "type")
            }
        return _private(Response(body), audiences)

    def _empty(self, data):
        return {
            "query": data["q"], "site": data["site"], "scope": data["scope"], "count": 0,
            "count_exact": True, "page": data["page"], "page_size": data["page_size"],
            "next": None, "previous": None, "results": [],
            "facets": {"site": [], "level": [], "type": []},
        }  # fmt: skip

    def _link(self, request, page: int) -> str:
        params = request.query_params.copy()
        params["page"] = str(page)
        return request.build_absolute_uri(request.path + "?" + params.urlencode())


class SuggestView(APIView):
    """Titles for the search box (autocomplete)."""

    permission_classes = [AllowAny]  # anonymous search; documented with {} in security
    throttle_classes = [SearchRateThrottle]
    throttle_scope = "search"

    @extend_schema(
        operation_id="search_suggest",
        summary="搜索联想",
        description="按标题联想:返回标题包含查询词的最新内容。",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True, description="已输入的文字"),
            SITE_PARAMETER,
            SCOPE_PARAM,
            OpenApiParameter("limit", OpenApiTypes.INT, default=10, description="最多 20 条"),
        ],
        responses={200: SuggestResponseSerializer, **PROBLEMS},
    )
    def get(self, request):
        site_code = request.query_params.get("site", "").strip()
        if not site_code:
            return _site_scope("", "site")
        params = SuggestParams(data=request.query_params)
        if not params.is_valid():
            return invalid_parameters(params.errors)
        data = params.validated_data
        scoped = _site_scope(data["site"].strip(), data["scope"])
        if not isinstance(scoped, tuple):
            return scoped
        _place, site_ids, _column, scope_token = scoped
        audiences = viewer_audiences(request)
        hits = get_engine().suggest(
            data["q"],
            site_ids,
            limit=data["limit"],
            hidden=hidden_plugin_sites(site_ids),
            scope_token=scope_token,
            audiences=audiences,
        )
        body = {"query": data["q"], "results": SuggestionSerializer(hits, many=True).data}
        return _private(Response(body), audiences)
