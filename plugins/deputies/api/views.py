"""The public, read-only deputies API (``/api/v1/deputies/…?site=<code>``).

Written as the scaffold's API is: site-scoped viewsets (``cms.plugins.api``)
with a ``params_class`` for the query string and ``payloads()`` building each
page of rows in bulk. The site's congresses are those whose ``site`` is the
requested site; a nine-digit township code narrows them to that township's
congress (and the stations to that township's). Every list costs a constant
number of queries whatever its length: the page's rows are loaded first, then
their seats, posts and photos in one query each.

Caching: ``cms.api.caching.ApiCacheMiddleware`` gives every anonymous GET
under ``/api/v1/`` (plugin routes included) its ``ETag``, ``Cache-Control``
and server-side cache; saving any of this plugin's rows (they all have a
``site``) invalidates that site's cached responses.
"""

from __future__ import annotations

import datetime
import math

from django.db.models import Case, Count, Prefetch, Q, Value, When, Window
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from cms.plugins.api import (
    EnvelopePagination,
    SiteScopedReadOnlyViewSet,
    WholeListPagination,
    image_payloads,
    problem_responses,
)
from cms.services.workdays import Calendar
from plugins.deputies import stats
from plugins.deputies.models import (
    LEVEL_ORDER,
    Congress,
    Constituency,
    Delegation,
    LiaisonStation,
    Membership,
    Person,
    PostHolding,
    Reception,
    Term,
)
from plugins.deputies.performance import summarise
from plugins.deputies.pinyin import normalise_query

from . import payloads
from . import serializers as s

#: Columns of ``Person`` the API never loads (the private data and its digest).
PRIVATE_COLUMNS = ("id_number_encrypted", "id_number_digest", "mobile_encrypted",
                   "address_encrypted")  # fmt: skip
SCHEDULE_DAYS = 28
EARTH_RADIUS_KM = 6371.0088


def _problems(not_found: str) -> dict:
    return problem_responses(not_found=not_found)


def public_people():
    return Person.objects.defer(*PRIVATE_COLUMNS)


def site_congresses(request):
    """The congresses of the requested site (a township code: that township's only)."""
    congresses = Congress.objects.filter(site_id=request.site_profile.site_id)
    township = request.place.township
    if township is not None:
        congresses = congresses.filter(division_code=township.division_code)
    return congresses


def site_stations(request):
    stations = LiaisonStation.objects.filter(site_id=request.site_profile.site_id, is_public=True)
    township = request.place.township
    if township is not None:
        code = township.division_code
        stations = stations.filter(Q(division_code=code) | Q(congress__division_code=code))
    return stations


def current_term_ids(congress_ids, today) -> dict[int, int]:
    """Congress id → id of its current term (started, not ended; the latest such)."""
    terms = (
        Term.objects.filter(congress_id__in=congress_ids, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .order_by("congress_id", "number")
        .values_list("congress_id", "pk")
    )
    return dict(terms)  # the last (highest number) per congress wins


def seat_term_ids(congresses, term, current: bool, today) -> list[int]:
    """Ids of the terms whose seats a deputy list shows: each congress's current term
    (``term`` None), its terms of that number, or all of them (``"all"``); with
    ``current``, only terms not ended on ``today`` (a seat of an ended term has ended)."""
    if term is None:
        return list(current_term_ids(congresses.values("pk"), today).values())
    terms = Term.objects.filter(congress__in=congresses)
    if term != "all":
        terms = terms.filter(number=term)
    if current:
        terms = terms.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    return list(terms.values_list("pk", flat=True))


def _seat_order(membership):
    return (LEVEL_ORDER.index(membership.congress.level), -membership.term.number)


def _seats(qs):
    return qs.select_related("congress", "term", "delegation", "deputy_group", "constituency")


def _has_han(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def name_filter(q: str) -> tuple[Q, Case] | None:
    """Chinese characters: a substring of the name; otherwise pinyin: the start of any
    reading's full spelling or initials ("zhangwei", "Zhang Wei", "zhangw", "zw").

    Also the rank of a match, best first: the exact name, then the usual reading (张伟
    for "zw"), then a rarer one (丁伟, 丁 also read zhēng).
    """
    q = q.strip()
    if not q:
        return None
    if _has_han(q):
        name = "".join(q.split())
        rank = Case(When(name=name, then=0), When(name__startswith=name, then=1), default=2)
        return Q(name__contains=name), rank
    key = normalise_query(q)
    if not key:
        return Q(name__contains=q), Value(0)
    usual = Q(name_pinyin__startswith=key) | Q(name_initials__startswith=key)
    rank = Case(When(Q(name_pinyin=key) | Q(name_initials=key), then=0), When(usual, then=1),
                default=2)  # fmt: skip
    return Q(pinyin_keys__startswith=key) | Q(pinyin_keys__contains=f" {key}"), rank


class DeputyPagination(EnvelopePagination):
    """The API's list envelope, counted without a lookup per person where it can.

    A plain list is counted on the seats (the view's ``count_rows``: the distinct
    people of the seats, one index scan), and its page walks the people in name
    order until it has enough. A name search has to look at every seated person to
    find the matches: it does so once, the page carrying the total beside each row
    (``COUNT(*) OVER ()``; the view's ``count_in_page``), not once to count and
    again for the page. Other filters on the people (gender, party) match many: the
    page stops early, the count is the query's own."""

    def paginate_queryset(self, queryset, request, view=None):
        self.count_rows = getattr(view, "count_rows", None)
        if not getattr(view, "count_in_page", False):
            return super().paginate_queryset(queryset, request, view)
        self.limit, self.offset = view.params["limit"], view.params["offset"]
        self.request = request
        end = self.offset + self.limit
        page = list(queryset.annotate(total_rows=Window(Count("pk")))[self.offset : end])
        self.count = page[0].total_rows if page else queryset.count()
        return page

    def get_count(self, queryset) -> int:
        return (queryset if self.count_rows is None else self.count_rows).count()


@extend_schema_view(
    list=extend_schema(
        operation_id="deputies_list",
        summary="本站点人民代表大会的代表名单",
        description=(
            "按姓名拼音排序(同音按 id);有 q 时先列姓名完全相同或按常用读音匹配的。默认只列各人民代表大会本届、代表资格未终止的代表;"
            "term=all 列全部届次,current=false 也列已终止的。每位代表一条,seat 为其在本站点"
            "人民代表大会中符合条件的代表资格。不含身份证号、手机号码、通讯地址等个人信息。"
        ),
        parameters=[s.DeputyListParams],
        responses={200: s.DeputyListItemSerializer, **_problems("站点不存在或未启用")},
    ),
    retrieve=extend_schema(
        operation_id="deputies_retrieve",
        summary="代表详情",
        description=(
            "本站点人民代表大会的现任或往届代表:全部代表资格(各级各届)及每届履职汇总、"
            "担任的职务、进驻的本站点联络站。其他站点的代表为 404。"
        ),
        responses={200: s.DeputyDetailSerializer, **_problems("代表不存在或不属于本站点")},
    ),
)
class DeputyViewSet(SiteScopedReadOnlyViewSet):
    """Deputies seated in the site's congresses, and one of them."""

    site_field = None  # a person belongs to no site: seated through the site's congresses
    queryset = Person.objects.none()
    lookup_url_kwarg = "person_id"
    lookup_value_converter = "int"
    pagination_class = DeputyPagination
    count_rows = None
    count_in_page = False

    @property
    def params_class(self):
        return s.DeputyListParams if self.action == "list" else None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Person.objects.none()
        if self.action != "list":
            seated = Membership.objects.filter(congress__in=site_congresses(self.request))
            return public_people().filter(pk__in=seated.values("person_id"))
        p = self.params
        today = timezone.localdate()
        congresses = site_congresses(self.request)
        if p.get("level"):
            congresses = congresses.filter(level=p["level"])
        if p.get("congress"):
            congresses = congresses.filter(division_code=p["congress"])
            if not congresses.exists():
                raise ValidationError(
                    {"congress": [_("本站点没有这个行政区划代码的人民代表大会。")]}
                )
        # The seats are filtered on their own columns only (the terms resolved first): no
        # join to the terms or the congresses for each of a big site's ten thousand seats.
        seats = Membership.objects.filter(
            term_id__in=seat_term_ids(congresses, p.get("term"), p["current"], today)
        )
        for name in ("delegation", "constituency"):
            if p.get(name):
                seats = seats.filter(**{f"{name}_id": p[name]})
        if p["current"]:
            seats = seats.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        self.congresses, self.seats = congresses, seats

        people = public_people().filter(pk__in=seats.values("person_id"))
        for name in ("gender", "party"):
            if p.get(name):
                people = people.filter(**{name: p[name]})
        ordering = ["name_pinyin", "pk"]
        match = name_filter(p.get("q") or "")
        if match is not None:
            condition, rank = match
            people = people.filter(condition).annotate(match_rank=rank)
            ordering.insert(0, "match_rank")
        # How DeputyPagination counts: without a filter on the people themselves, on the
        # seats alone; for a name search, in the page query.
        narrowed = match is not None or p.get("gender") or p.get("party")
        self.count_rows = None if narrowed else seats.values("person_id").distinct()
        self.count_in_page = match is not None
        return people.order_by(*ordering)

    def payloads(self, page: list) -> list[dict]:
        """A page of deputies with their seat and current posts here: three queries."""
        today = timezone.localdate()
        ids = [person.pk for person in page]
        chosen: dict[int, Membership] = {}
        for membership in _seats(self.seats.filter(person_id__in=ids)).order_by("pk"):
            best = chosen.get(membership.person_id)
            if best is None or _seat_order(membership) < _seat_order(best):
                chosen[membership.person_id] = membership
        posts: dict[int, list] = {}
        holdings = (
            PostHolding.objects.filter(person_id__in=ids, post__term__congress__in=self.congresses)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            .select_related("post__term__congress")
            .order_by("post__term__congress__division_code", "start_date", "pk")
        )
        for holding in holdings:
            posts.setdefault(holding.person_id, []).append(payloads.post(holding))
        photos = image_payloads(self.request, [person.photo_id for person in page])
        return [
            {
                **payloads.person_fields(person, photos),
                "seat": payloads.seat(chosen[person.pk]),
                "posts": posts.get(person.pk, []),
            }
            for person in page
        ]

    def payload(self, person) -> dict:
        memberships = sorted(
            _seats(Membership.objects.filter(person_id=person.pk)),
            key=lambda m: (not m.is_current, LEVEL_ORDER.index(m.congress.level), -m.term.number),
        )
        summaries = summarise(memberships)
        holdings = (
            PostHolding.objects.filter(person_id=person.pk)
            .select_related("post__term__congress")
            .order_by("-start_date", "pk")
        )
        stations = (
            site_stations(self.request).filter(deputies=person).order_by("division_code", "name")
        )
        photos = image_payloads(self.request, [person.photo_id])
        return {
            **payloads.person_fields(person, photos),
            "biography": person.biography,
            "memberships": [
                {**payloads.seat(m), "performance": _summary(summaries[m.pk])} for m in memberships
            ],
            "posts": [payloads.post(h) for h in holdings],
            "stations": [
                {"id": st.pk, "name": st.name, "kind": st.kind, "address": st.address}
                for st in stations
            ],
        }


def _summary(summary: dict) -> dict:
    return {**summary, "training_hours": float(summary["training_hours"])}


# --- congresses ------------------------------------------------------------------


def _counts(qs, key: str) -> dict[int, int]:
    return dict(qs.values_list(key).annotate(n=Count("pk")).order_by())


def congress_payloads(congresses, today) -> list[dict]:
    """Congresses with their terms and per-term counts: four queries for any number."""
    congresses = list(congresses)
    terms = list(Term.objects.filter(congress__in=congresses).order_by("congress_id", "-number"))
    term_ids = [t.pk for t in terms]
    current = current_term_ids([c.pk for c in congresses], today)
    deputies = _counts(
        Membership.objects.filter(term_id__in=term_ids).filter(stats.current_seats_q(today)),
        "term_id",
    )
    delegations = _counts(Delegation.objects.filter(term_id__in=term_ids), "term_id")
    constituencies = _counts(Constituency.objects.filter(term_id__in=term_ids), "term_id")
    by_congress: dict[int, list] = {}
    for term in terms:
        by_congress.setdefault(term.congress_id, []).append(
            {
                **payloads.term_ref(term),
                "is_current": current.get(term.congress_id) == term.pk,
                "deputies": deputies.get(term.pk, 0),
                "delegations": delegations.get(term.pk, 0),
                "constituencies": constituencies.get(term.pk, 0),
            }
        )
    result = []
    for congress in congresses:
        its_terms = by_congress.get(congress.pk, [])
        current_number = next((t["number"] for t in its_terms if t["is_current"]), None)
        result.append(
            {
                **payloads.congress_ref(congress),
                "founding_date": payloads.iso(congress.founding_date),
                "current_term": current_number,
                "terms": its_terms,
            }
        )
    return result


def _parts(model, term_id) -> list[dict]:
    if term_id is None:
        return []
    today = timezone.localdate()
    rows = (
        model.objects.filter(term_id=term_id)
        .annotate(
            deputies=Count(
                "memberships",
                filter=Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=today),
            )
        )
        .order_by("name", "pk")
    )
    return [{"id": row.pk, "name": row.name, "deputies": row.deputies} for row in rows]


@extend_schema_view(
    list=extend_schema(
        operation_id="deputies_congresses_list",
        summary="本站点的人民代表大会",
        description="按层级从高到低;每届标明是否本届,并给出代表、代表团、选区的数量。",
        responses={200: s.DeputiesCongressSerializer, **_problems("站点不存在或未启用")},
    ),
    retrieve=extend_schema(
        operation_id="deputies_congresses_retrieve",
        summary="人民代表大会详情",
        description="含各届概况,以及本届的代表团和选区(供代表名单按 delegation、constituency 筛选)。",
        responses={
            200: s.DeputiesCongressDetailSerializer,
            **_problems("人民代表大会不存在或不属于本站点"),
        },
    ),
)
class CongressViewSet(SiteScopedReadOnlyViewSet):
    """The site's congresses (a whole list), one of them, and its composition statistics."""

    site_field = None  # scoped by site_congresses (a township code: its congress only)
    queryset = Congress.objects.none()
    lookup_url_kwarg = "congress_id"
    lookup_value_converter = "int"
    pagination_class = WholeListPagination

    @property
    def params_class(self):
        return s.TermParams if self.action == "statistics" else None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Congress.objects.none()
        return site_congresses(self.request)

    def payloads(self, congresses: list) -> list[dict]:
        ordered = sorted(congresses, key=lambda c: (LEVEL_ORDER.index(c.level), c.division_code))
        return congress_payloads(ordered, timezone.localdate())

    def payload(self, congress) -> dict:
        today = timezone.localdate()
        data = congress_payloads([congress], today)[0]
        term_id = current_term_ids([congress.pk], today).get(congress.pk)
        data["delegations"] = _parts(Delegation, term_id)
        data["constituencies"] = _parts(Constituency, term_id)
        return data

    @extend_schema(
        operation_id="deputies_congresses_statistics",
        summary="代表构成统计",
        description=(
            "一届代表的构成:性别、民族、政治面貌、年龄段、职业构成、学历、选举方式,"
            "各项含人数和百分比(一位小数)。年龄按今天计算。默认本届、只计代表资格未终止的。"
        ),
        parameters=[s.TermParams],
        responses={
            200: s.DeputiesStatisticsSerializer,
            **_problems("人民代表大会不存在或不属于本站点"),
        },
    )
    @action(detail=True, url_path="statistics", url_name="statistics")
    def statistics(self, request, *args, **kwargs):
        p = self.params
        congress = self.get_object()
        if p.get("term"):
            term = congress.terms.filter(number=p["term"]).first()
            if term is None:
                raise ValidationError({"term": [_("该人民代表大会没有这一届。")]})
        else:
            term = congress.current_term()
            if term is None:
                raise ValidationError({"term": [_("该人民代表大会没有本届,请指定届次。")]})
        data = stats.term_statistics(term, current=p["current"])
        data["as_of"] = data["as_of"].isoformat()
        return Response(
            {"congress": payloads.congress_ref(congress), "term": payloads.term_ref(term), **data}
        )


# --- liaison stations ----------------------------------------------------------------


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _bounding_box(lat: float, lng: float, radius_km: float) -> Q:
    """A box that holds the circle (a cheap SQL prefilter before the exact distance)."""
    dlat = radius_km / 110.574
    cos = math.cos(math.radians(lat))
    dlng = 180.0 if cos < 1e-6 else min(180.0, radius_km / (111.320 * cos))
    return Q(latitude__gte=lat - dlat, latitude__lte=lat + dlat,
             longitude__gte=lng - dlng, longitude__lte=lng + dlng)  # fmt: skip


@extend_schema_view(
    list=extend_schema(
        operation_id="deputies_stations_list",
        summary="代表联络站",
        description=(
            "本站点对外公开的联络站(乡镇代码:该乡镇的)。给出 near 时只列半径 radius 公里内"
            "有坐标的联络站,由近及远,并给出 distance_km;否则按区划代码、名称排序。"
        ),
        parameters=[s.StationListParams],
        responses={200: s.LiaisonStationSerializer, **_problems("站点不存在或未启用")},
    ),
    retrieve=extend_schema(
        operation_id="deputies_stations_retrieve",
        summary="联络站详情与接待安排",
        description=(
            "地址、坐标、开放时间、进站代表,以及今后四周(含今天)的接待安排:已排定的接待"
            "(日期、时间、主题、接待代表)和按固定接待日推算的日期(跳过法定节假日等非工作日)。"
        ),
        responses={
            200: s.LiaisonStationDetailSerializer,
            **_problems("联络站不存在或不属于本站点"),
        },
    ),
)
class StationViewSet(SiteScopedReadOnlyViewSet):
    """The site's public liaison stations (a whole list, or those near a point) and one of
    them with its reception schedule."""

    site_field = None  # scoped by site_stations (public ones; a township code: its own)
    queryset = LiaisonStation.objects.none()
    lookup_url_kwarg = "station_id"
    lookup_value_converter = "int"
    pagination_class = WholeListPagination

    @property
    def params_class(self):
        return s.StationListParams if self.action == "list" else None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LiaisonStation.objects.none()
        return site_stations(self.request).select_related("congress")

    def filter_queryset(self, queryset):
        near = self.params.get("near")
        if near is None:
            return queryset.order_by("division_code", "name")
        return queryset.filter(_bounding_box(*near, self.params["radius"]))

    def payloads(self, stations: list) -> list[dict]:
        near = self.params.get("near")
        if near is None:
            return [payloads.station(st) for st in stations]
        lat, lng = near
        nearby = []
        for st in stations:
            distance = haversine_km(lat, lng, float(st.latitude), float(st.longitude))
            if distance <= self.params["radius"]:
                nearby.append((distance, st.pk, st))
        nearby.sort(key=lambda item: item[:2])
        return [payloads.station(st, distance) for distance, _pk, st in nearby]

    def payload(self, station) -> dict:
        today = timezone.localdate()
        end = today + datetime.timedelta(days=SCHEDULE_DAYS - 1)
        people = public_people().order_by("name_pinyin", "pk")
        deputies = list(people.filter(stations=station))
        receptions = list(
            Reception.objects.filter(station=station, date__gte=today, date__lte=end)
            .order_by("date", "start_time", "pk")
            .prefetch_related(Prefetch("deputies", queryset=people))
        )
        photo_ids = [d.photo_id for d in deputies]
        photo_ids += [d.photo_id for r in receptions for d in r.deputies.all()]
        photos = image_payloads(self.request, photo_ids)
        regular = station.reception_days(today, SCHEDULE_DAYS, Calendar())
        return {
            **payloads.station(station),
            "description": station.description,
            "deputies": [payloads.person_ref(d, photos) for d in deputies],
            "schedule": {
                "start": today.isoformat(),
                "end": end.isoformat(),
                "receptions": [
                    {
                        "id": r.pk,
                        "date": r.date.isoformat(),
                        "start_time": f"{r.start_time:%H:%M}",
                        "end_time": f"{r.end_time:%H:%M}",
                        "topic": r.topic,
                        "deputies": [payloads.person_ref(d, photos) for d in r.deputies.all()],
                    }
                    for r in receptions
                ],
                "regular_dates": [
                    {"date": day.isoformat(), "weekday": day.isoweekday()} for day in regular
                ],
            },
        }
