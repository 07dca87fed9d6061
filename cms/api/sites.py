"""``/api/v1/sites/`` and ``/api/v1/columns/``: the site group and each site's portal.

* ``sites/``: the tree province → cities → counties → township columns;
* ``sites/<code>/``: one site's micro-portal (``cms.portal.PortalSettings``:
  theme, contacts, banners, navigation) and the plugins switched on for it; a
  nine-digit code answers its township column as a site-like node of its county;
* ``columns/?site=``: the site's columns as a tree, with their update period.
"""

from __future__ import annotations

from django.db.models import F
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.models import Page

from cms.plugins.registry import enabled_plugins
from cms.portal.models import PortalSettings
from cms.sitegroup.models import SiteProfile
from cms.sitegroup.visibility import Visibility, public_site_profiles

from .conventions import SITE_PARAMETER, ImageSerializer, level_field
from .pages import PROBLEMS
from .payloads import Resolver
from .scope import API_PREFIX, resolve_scope, root_url, type_for_content_type_id
from .serializers import PageLinkSerializer


# --- shapes (OpenAPI) ------------------------------------------------------------
class SiteNodeSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="行政区划代码(乡镇为9位)")
    level = level_field(site_levels=True)
    name = serializers.CharField()
    short_name = serializers.CharField()
    region_name = serializers.CharField()
    parent_code = serializers.CharField(allow_null=True)
    url = serializers.URLField(help_text="门户网址(乡镇为其在县级站点上的栏目网址)")
    api_url = serializers.CharField()


class SiteTreeNodeSerializer(SiteNodeSerializer):
    children = serializers.ListField(child=serializers.DictField(), help_text="下级节点,结构相同")


class SiteTreeSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="节点总数")
    results = SiteTreeNodeSerializer(many=True)


class ContactSerializer(serializers.Serializer):
    phone = serializers.CharField()
    address = serializers.CharField()
    email = serializers.CharField()


class BannerSerializer(serializers.Serializer):
    title = serializers.CharField()
    image = ImageSerializer(allow_null=True)
    page = PageLinkSerializer(allow_null=True)
    url = serializers.CharField(allow_null=True, help_text="外部链接")


class NavigationItemSerializer(PageLinkSerializer):
    pass


class PortalSerializer(serializers.Serializer):
    theme_color = serializers.CharField()
    contact = ContactSerializer()
    banners = BannerSerializer(many=True)
    navigation = NavigationItemSerializer(many=True)


class PluginSerializer(serializers.Serializer):
    label = serializers.CharField()
    name = serializers.CharField()
    english_name = serializers.CharField()
    version = serializers.CharField()
    api_prefix = serializers.CharField()


class SiteDetailSerializer(SiteNodeSerializer):
    parent = SiteNodeSerializer(allow_null=True)
    children = SiteNodeSerializer(many=True)
    portal = PortalSerializer()
    plugins = PluginSerializer(many=True)


class ColumnNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=["column", "township"])
    title = serializers.CharField()
    slug = serializers.CharField()
    path = serializers.CharField()
    url = serializers.URLField()
    api_url = serializers.CharField()
    show_in_menus = serializers.BooleanField()
    expected_update_days = serializers.IntegerField(allow_null=True)
    division_code = serializers.CharField(allow_null=True)
    children = serializers.ListField(child=serializers.DictField(), help_text="下级栏目,结构相同")


class ColumnTreeSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = ColumnNodeSerializer(many=True)


# --- nodes -----------------------------------------------------------------------
def site_node(profile: SiteProfile) -> dict:
    return {
        "code": profile.division_code,
        "level": profile.level,
        "name": profile.name,
        "short_name": profile.short_name,
        "region_name": profile.region_name,
        "parent_code": profile.parent.division_code if profile.parent_id else None,
        "url": root_url(profile.site) + "/",
        "api_url": f"{API_PREFIX}sites/{profile.division_code}/",
    }


def township_node(county: SiteProfile, code: str, title: str, url_path: str) -> dict:
    return {
        "code": code,
        "level": "township",
        "name": title,
        "short_name": "",
        "region_name": "",
        "parent_code": county.division_code,
        "url": root_url(county.site) + "/" + url_path[len(county.site.root_page.url_path) :],
        "api_url": f"{API_PREFIX}sites/{code}/",
    }


class SiteTreeView(APIView):
    """The whole site group as a tree."""

    @extend_schema(operation_id="sites_tree", summary="网站群站点树",
                   responses={200: SiteTreeSerializer})  # fmt: skip
    def get(self, request):
        profiles = list(public_site_profiles().order_by("division_code"))
        nodes = {p.division_code: {**site_node(p), "children": []} for p in profiles}
        # Each township under the deepest public site whose home page holds its column.
        homes = sorted(profiles, key=lambda p: len(p.site.root_page.path), reverse=True)
        count = len(nodes)
        for code, title, path, url_path in Visibility().public_townships():
            county = next((p for p in homes if path.startswith(p.site.root_page.path)), None)
            if county is None:
                continue
            nodes[county.division_code]["children"].append(
                {**township_node(county, code, title, url_path), "children": []}
            )
            count += 1
        roots = []
        for p in profiles:
            node = nodes[p.division_code]
            if p.parent_id and p.parent.division_code in nodes:
                nodes[p.parent.division_code]["children"].append(node)
            else:
                roots.append(node)
        return Response({"count": count, "results": roots})


def portal_payload(scope, request) -> dict:
    """Theme, contacts, banners and navigation of the scope's site (or township column)."""
    portal = PortalSettings.objects.filter(site_id=scope.site.pk).first() or PortalSettings()
    resolver = Resolver(scope, request)

    custom_nav = [] if scope.township else list(portal.navigation.raw_data)
    if custom_nav:
        nav_ids = [item["value"].get("page") for item in custom_nav]
    else:  # the home page's (or township's) child columns, in menu order
        children = scope.pages(["column", "township"]).filter(depth=scope.root.depth + 1)
        rows = list(children.order_by("path").values_list("pk", "show_in_menus"))
        # Columns marked "show in menus" when there are any, otherwise all of them.
        nav_ids = [pk for pk, shown in rows if shown] or [pk for pk, _shown in rows]
    for pk in nav_ids:
        resolver.page_link(pk)
    resolver.stream(portal.banners)
    resolver.load()

    navigation = []
    titles = {item["value"].get("page"): item["value"].get("title") for item in custom_nav}
    for pk in nav_ids:
        link = resolver.page_link(pk)
        if link is not None:
            navigation.append({**link, "title": titles.get(pk) or link["title"]})
    banners = [
        {
            "title": block["value"]["title"] or "",
            "image": block["value"]["image"],
            "page": block["value"]["page"],
            "url": block["value"]["url"] or None,
        }
        for block in resolver.stream(portal.banners)
    ]
    return {
        "theme_color": portal.theme_color,
        "contact": {
            "phone": portal.contact_phone,
            "address": portal.contact_address,
            "email": portal.contact_email,
        },
        "banners": banners,
        "navigation": navigation,
    }


class SiteDetailView(APIView):
    """A site's micro-portal configuration; a nine-digit code gives its township column."""

    @extend_schema(operation_id="sites_retrieve", summary="站点微门户配置",
                   responses={200: SiteDetailSerializer, **PROBLEMS})  # fmt: skip
    def get(self, request, code: str):
        scope = resolve_scope(code)
        profile = scope.profile
        if scope.township:
            t = scope.township
            node = township_node(profile, t.division_code, t.title, t.url_path)
            parent, children = site_node(profile), []
        else:
            node = site_node(profile)
            parent = site_node(profile.parent) if profile.parent_id else None
            children = [
                site_node(c)
                for c in public_site_profiles().filter(parent=profile).order_by("division_code")
            ]
            children += [
                township_node(profile, c, title, url_path)
                for c, title, path, url_path in scope.visible.public_townships(profile)
            ]
        plugins = [
            {
                "label": p.label,
                "name": str(p.verbose_name),
                "english_name": str(p.english_name),
                "version": p.version,
                "api_prefix": f"{API_PREFIX}{p.label}/",
            }
            for p in enabled_plugins(profile.site_id)
        ]
        return Response(
            {**node, "parent": parent, "children": children,
             "portal": portal_payload(scope, request), "plugins": plugins}
        )  # fmt: skip


class ColumnListView(APIView):
    """The columns of a site (or of a township column) as a tree, in menu order."""

    @extend_schema(
        operation_id="columns_list", summary="站点栏目树", parameters=[SITE_PARAMETER],
        responses={200: ColumnTreeSerializer, **PROBLEMS},
    )  # fmt: skip
    def get(self, request):
        scope = resolve_scope(request.query_params.get("site"))
        types = type_for_content_type_id()
        rows = (
            scope.pages(["column", "township"])
            .annotate(
                period=Coalesce(
                    F("columnpage__expected_update_days"), F("townshippage__expected_update_days")
                ),
                code=F("townshippage__division_code"),
            )
            .order_by("path")
            .values("id", "title", "slug", "path", "url_path", "content_type_id",
                    "show_in_menus", "period", "code")
        )  # fmt: skip
        nodes, roots = {}, []
        for row in rows:
            node = {
                **scope.page_ref(row, types),
                "show_in_menus": row["show_in_menus"],
                "expected_update_days": row["period"],
                "division_code": row["code"],
                "children": [],
            }
            nodes[row["path"]] = node
            parent = nodes.get(row["path"][: -Page.steplen])
            (parent["children"] if parent else roots).append(node)
        return Response({"count": len(nodes), "results": roots})
