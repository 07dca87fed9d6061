"""``/api/v1/pages/``: a site's pages (list, detail, find by path) for mobile clients.

The list costs a constant number of queries whatever ``limit`` is: the count and
one query for the page rows (every list field is annotated from the requested
types' tables only, so no ``.specific()`` per type), plus the cover images with
their renditions when this process has not kept them (``conventions.load_images``);
the site and the hidden subtrees come from the cache. Newest-first lists count and
pick their page from the lists' index (``cms.content.listing``). See
``tests/api/query_counts.json``.
"""

from __future__ import annotations

from django.db.models import DateField, F, IntegerField, TextField, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.models import Page

from cms.content.models import ListedPage, PageAttachment, RegulationInterpretation, ReportPage

from .conventions import SITE_PARAMETER, list_envelope, not_found, problem_responses
from .payloads import Resolver, iso_date, iso_datetime
from .scope import (
    CONTAINER_TYPES,
    CONTENT_TYPES,
    PAGE_TYPES,
    resolve_scope,
    type_for_content_type_id,
)
from .serializers import (
    ALWAYS_FIELDS,
    DEFAULT_ORDERING,
    DETAIL_SERIALIZERS,
    LIST_FIELDS,
    OPT_IN_FIELDS,
    ORDERINGS,
    FindPageParams,
    PageListParams,
    PageListSerializer,
)

PROBLEMS = problem_responses("参数有误", "站点或页面不存在")
DETAIL_RESPONSE = PolymorphicProxySerializer(
    component_name="PageDetail",
    serializers={name: s for name, s in DETAIL_SERIALIZERS.items()},
    resource_type_field_name="type",
)


def _model_name(name: str) -> str:
    return PAGE_TYPES[name]._meta.model_name


def annotated(qs, types: list[str]):
    """The per-type list fields (date, summary, cover) as columns of the base page row,
    from the tables of ``types`` only (the same joins ``Scope.pages(types)`` made)."""

    def first_of(columns, output_field=None):
        if not columns:
            return Value(None, output_field=output_field)
        if len(columns) == 1 and output_field is None:
            return columns[0]
        return Coalesce(*columns, output_field=output_field)

    dated = [t for t in types if t in CONTENT_TYPES]
    texts = [F(f"{_model_name(t)}__summary") for t in dated] + [
        F(f"{_model_name(t)}__intro") for t in types if t in CONTAINER_TYPES
    ]
    return qs.annotate(
        sort_date=first_of(
            [F(f"{_model_name(t)}__date") for t in dated], None if dated else DateField()
        ),
        summary_text=first_of(
            [*texts, Value("", output_field=TextField())], output_field=TextField()
        ),
        cover_id=F("articlepage__cover_image_id")
        if "article" in types
        else Value(None, output_field=IntegerField()),
    )


#: Every field a list item may carry, in the order the API gives them.
ITEM_FIELDS = LIST_FIELDS + OPT_IN_FIELDS

ROW_FIELDS = (
    "id", "title", "slug", "url_path", "content_type_id", "first_published_at",
    "last_published_at", "sort_date", "summary_text", "cover_id",
)  # fmt: skip


def list_item(row: dict, scope, resolver: Resolver, types: dict, fields) -> dict:
    values = {
        **scope.page_ref(row, types),
        "date": iso_date(row["sort_date"]),
        "summary": row["summary_text"] or "",
        "cover": resolver.image(row["cover_id"]) if "cover" in fields else None,
        "first_published_at": iso_datetime(row["first_published_at"]),
        "last_published_at": iso_datetime(row["last_published_at"]),
        "thumbnail": resolver.thumbnail(row["cover_id"]) if "thumbnail" in fields else None,
    }
    return {name: values[name] for name in ITEM_FIELDS if name in fields}


def _ordering(keys: list[str]) -> list:
    order = []
    for key in keys:
        column = F(ORDERINGS[key.lstrip("-")])
        order.append(
            column.desc(nulls_last=True) if key.startswith("-") else column.asc(nulls_last=True)
        )
    if not any(k.lstrip("-") == "id" for k in keys):
        order.append(F("id").desc() if keys[0].startswith("-") else F("id").asc())
    return order


class PageListView(APIView):
    """The pages of a site, filtered, ordered and paginated."""

    @extend_schema(
        operation_id="pages_list",
        summary="站点的页面列表",
        parameters=[SITE_PARAMETER, PageListParams],
        responses={200: PageListSerializer, **PROBLEMS},
    )
    def get(self, request):
        scope = resolve_scope(request.query_params.get("site"))
        params = PageListParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data

        # Without ``type``, the dated content; columns come with type=column (or /columns/).
        types = p.get("type") or list(CONTENT_TYPES)
        ordering = p.get("ordering") or DEFAULT_ORDERING
        # Newest first (the default), without a title filter: from the lists' index, so
        # the count and any page cost the same for a site of 100 pages or of 10,000.
        indexed = not p.get("q") and ordering in (["-date"], ["-date", "-id"])
        qs = scope.listed(types) if indexed else annotated(scope.pages(types), types)
        for name, deep in (("column", False), ("descendant_of", True)):
            if name in p:
                parent = scope.page(p[name])
                if parent is None:
                    raise ValidationError(
                        {name: [ErrorDetail(_("该站点没有这个栏目或页面。"), code="unknown")]}
                    )
                qs = qs.filter(path__startswith=parent.path)
                qs = (
                    qs.filter(depth__gt=parent.depth) if deep else qs.filter(depth=parent.depth + 1)
                )
        if "date_after" in p:
            qs = qs.filter(sort_date__gte=p["date_after"])
        if "date_before" in p:
            qs = qs.filter(sort_date__lte=p["date_before"])
            if indexed:  # the index's pages without a date carry NO_DATE
                qs = qs.exclude(sort_date=ListedPage.NO_DATE)
        if p.get("q"):
            qs = qs.filter(title__icontains=p["q"])

        fields = set(p.get("fields") or LIST_FIELDS) | set(ALWAYS_FIELDS)
        limit, offset = p["limit"], p["offset"]
        count = qs.count()
        rows = []
        if offset < count and indexed:
            newest = (F("sort_date").desc(), F("page_id").desc())
            ids = qs.order_by(*newest).values("page_id")[offset : offset + limit]
            # One query: the index picks the page's ids, each row is checked against the
            # pages themselves (the index only orders), in the same order.
            found = annotated(scope.pages(types), types).filter(pk__in=ids)
            rows = list(found.order_by(*_ordering(ordering)).values(*ROW_FIELDS))
        elif offset < count:
            ordered = qs.order_by(*_ordering(ordering))
            rows = list(ordered.values(*ROW_FIELDS)[offset : offset + limit])

        type_names = type_for_content_type_id()
        resolver = Resolver(scope, request)
        if "cover" in fields or "thumbnail" in fields:
            for row in rows:
                resolver.image(row["cover_id"])
        resolver.load()
        results = [list_item(row, scope, resolver, type_names, fields) for row in rows]

        return Response(list_envelope(request, offset, limit, count, results))


def page_detail(scope, request, page_id: int) -> dict:
    """The full payload of one visible page (a handful of queries, none per block)."""
    page = scope.page(page_id, parent=True)
    if page is None:
        raise not_found()
    name = next(n for n, model in PAGE_TYPES.items() if type(page) is model)
    resolver = Resolver(scope, request)
    # The home page has no parent to show; a hidden parent is no link (page_link).
    parent_id = page.parent_id if page.depth > scope.home.depth + 1 else None
    attachments, interpretations, responses, reports = [], [], [], []

    def collect():
        resolver.page_link(parent_id)
        if name in CONTENT_TYPES:
            resolver.stream(page.body)
            for a in attachments:
                resolver.document(a["document_id"])
        if name == "article":
            resolver.image(page.cover_image_id)
        elif name == "regulation":
            for i in interpretations:
                resolver.page_link(i["article_id"])
        elif name == "report":
            resolver.page_link(page.meeting_id)
            resolver.page_link(page.responds_to_id)
            for pk in responses:
                resolver.page_link(pk)
        elif name == "meeting":
            resolver.stream(page.agenda)
            for pk in reports:
                resolver.page_link(pk)

    if name in CONTENT_TYPES:
        attachments = list(
            PageAttachment.objects.filter(page_id=page.pk)
            .order_by("sort_order", "pk")
            .values("document_id", "title")
        )
    if name == "regulation":
        interpretations = list(
            RegulationInterpretation.objects.filter(regulation_id=page.pk)
            .order_by("sort_order", "pk")
            .values("article_id", "kind")
        )
    elif name == "report":
        responses = list(
            ReportPage.objects.filter(responds_to_id=page.pk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    elif name == "meeting":
        reports = list(page.reports.order_by("pk").values_list("pk", flat=True))

    collect()
    resolver.load()

    data = {
        "id": page.pk,
        "type": name,
        "title": page.title,
        "slug": page.slug,
        "path": scope.relative_path(page.url_path),
        "url": scope.public_url(page.url_path),
        "api_url": scope.api_url(page.pk),
        "seo_title": page.seo_title,
        "search_description": page.search_description,
        "first_published_at": iso_datetime(page.first_published_at),
        "last_published_at": iso_datetime(page.last_published_at),
        "parent": resolver.page_link(parent_id),
    }
    if name in CONTAINER_TYPES:
        data["intro"] = page.intro
        if name != "home":
            data["expected_update_days"] = page.expected_update_days
        if name == "township":
            data["division_code"] = page.division_code
        return data

    data["date"] = iso_date(page.date)
    data["summary"] = page.summary
    if name == "article":
        data.update(
            source=page.source, author=page.author, cover=resolver.image(page.cover_image_id)
        )
    elif name == "regulation":
        data.update(
            document_number=page.document_number,
            adopting_body=page.adopting_body,
            adopted_date=iso_date(page.adopted_date),
            effective_date=iso_date(page.effective_date),
            status=page.status,
            interpretations=[
                {"kind": i["kind"], "page": link}
                for i in interpretations
                if (link := resolver.page_link(i["article_id"])) is not None
            ],
        )
    elif name == "report":
        data.update(
            report_type=page.report_type,
            reporting_body=page.reporting_body,
            meeting=resolver.page_link(page.meeting_id),
            responds_to=resolver.page_link(page.responds_to_id),
            responses=[link for pk in responses if (link := resolver.page_link(pk))],
        )
    elif name == "meeting":
        data.update(
            meeting_type=page.meeting_type,
            term_number=page.term_number,
            session_number=page.session_number,
            start_date=iso_date(page.start_date),
            end_date=iso_date(page.end_date),
            location=page.location,
            agenda=resolver.stream(page.agenda),
            reports=[link for pk in reports if (link := resolver.page_link(pk))],
        )
    data["body"] = resolver.stream(page.body)
    data["attachments"] = [
        {"title": a["title"] or doc["title"], "document": doc}
        for a in attachments
        if (doc := resolver.document(a["document_id"])) is not None
    ]
    return data


class PageDetailView(APIView):
    """One page of the site; anything not visible is the same 404 as a missing id."""

    @extend_schema(
        operation_id="pages_retrieve",
        summary="页面详情",
        parameters=[SITE_PARAMETER],
        responses={200: DETAIL_RESPONSE, **PROBLEMS},
    )
    def get(self, request, page_id: int):
        scope = resolve_scope(request.query_params.get("site"))
        return Response(page_detail(scope, request, page_id))


class PageFindView(APIView):
    """A page by its path below the site's home, e.g. ``/news/news-001/``."""

    @extend_schema(
        operation_id="pages_find",
        summary="按路径查找页面",
        parameters=[SITE_PARAMETER, FindPageParams],
        responses={200: DETAIL_RESPONSE, **PROBLEMS},
    )
    def get(self, request):
        scope = resolve_scope(request.query_params.get("site"))
        params = FindPageParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        path = params.validated_data["path"].strip("/")
        url_path = scope.home.url_path + (f"{path}/" if path else "")
        page_id = (
            Page.objects.filter(url_path=url_path, path__startswith=scope.root.path)
            .values_list("pk", flat=True)
            .first()
        )
        if page_id is None:
            raise not_found()
        return Response(page_detail(scope, request, page_id))
