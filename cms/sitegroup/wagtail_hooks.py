"""Admin integration of the site group.

* audit-log actions of provisioning;
* the 网站群 screen (``SiteProfileAdmin``, with the "新建站点" action);
* per-site isolation where Wagtail does not already provide it:

  - the page chooser (linking, page choosers in forms) offers only pages of
    the user's sites (Wagtail shows the whole tree by design);
  - the explorer's and page search's filters (site, owner, edited by) list
    only the user's sites and the people who worked on their pages;
  - the "page types usage" report, which names the last edited page of every
    type across the whole tree, is reserved to users who see the whole tree;

* the Sites screen's column headings in Chinese (see ``_site_columns``).

What Wagtail 8 already isolates by page/collection permissions (verified by
``tests/isolation``): explorer and admin page search (explorable pages only,
``WAGTAILADMIN_PAGE_SEARCH_FILTER_BY_PERMISSIONS`` defaults to on), page
edit/publish views, the locked/aging/workflow reports, site history (page
entries), image and document listings and choosers (collection permissions),
and the Sites, Users, Groups, Collections and Redirects screens (model
permissions our staff groups never receive).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.pages.listing import GenericPageFilterSet, PageFilterSet
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.models import Page, PageLogEntry, Site
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.sites.views import IndexView as SiteIndexView
from wagtail_modeladmin.options import modeladmin_register

from .access import site_access
from .admin import SiteProfileAdmin


@hooks.register("register_log_actions")
def register_site_log_actions(actions):
    actions.register_action("lianxi.site_provisioned", _("创建站点"), _("创建站点"))
    actions.register_action("lianxi.site_updated", _("更新站点"), _("更新站点"))


modeladmin_register(SiteProfileAdmin)


@hooks.register("construct_page_chooser_queryset")
def limit_page_chooser_to_user_sites(pages, request):
    """Only pages of the user's own sites (and their ancestors, to browse down)."""
    user = request.user
    if user.is_superuser:
        return pages
    explorable = PagePermissionPolicy().explorable_instances(user)
    return pages.filter(pk__in=explorable.values_list("pk", flat=True))


@hooks.register("construct_reports_menu")
def hide_whole_tree_reports(request, menu_items):
    if not site_access(request).whole_tree:
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]


def _whole_tree_only(dispatch):
    def wrapped(self, request, *args, **kwargs):
        if not site_access(request).whole_tree:
            raise PermissionDenied
        return dispatch(self, request, *args, **kwargs)

    wrapped.__wrapped__ = dispatch
    return wrapped


# Wagtail registers this report's URL itself, so it cannot be replaced by a
# hook; its dispatch is wrapped once instead (one of two patches of Wagtail here).
if not hasattr(PageTypesUsageReportView.dispatch, "__wrapped__"):
    PageTypesUsageReportView.dispatch = _whole_tree_only(PageTypesUsageReportView.dispatch)


def _site_columns(columns):
    """Wagtail's Sites list names three columns by no label at all ("port",
    "site_name", "root_page"), so ``Column`` makes "Port", "Site name" and "Root
    page" of the attribute names: English in every language, out of reach of
    any catalogue. They get the model fields' verbose names (lazy, translated
    by Wagtail's own catalogue: 端口号, 站点名称, 根页面). Wagtail's viewset is
    registered by ``wagtail.sites`` itself, so its column list is amended once
    (the other patch of Wagtail here).
    """
    for column in columns:
        if column.label == capfirst(column.name.replace("_", " ")):
            column.label = capfirst(Site._meta.get_field(column.name).verbose_name)
    return columns


_site_columns(SiteIndexView.columns)


# The page listing filters offer every site and every page owner/editor of the
# tree. Their choices become user-scoped callables (django-filter calls a
# callable queryset with the request); superusers keep Wagtail's defaults.


def _explorable_ids(user):
    return PagePermissionPolicy().explorable_instances(user).values_list("pk", flat=True)


def _scoped_sites(request):
    return site_access(request).sites()


def _scoped_owners(request):
    pages = Page.objects.all()
    if not request.user.is_superuser:
        pages = pages.filter(pk__in=_explorable_ids(request.user))
    return get_user_model().objects.filter(
        pk__in=pages.order_by().values_list("owner_id", flat=True).distinct()
    )


def _scoped_editors(request):
    entries = PageLogEntry.objects.filter(action="wagtail.edit")
    if not request.user.is_superuser:
        entries = entries.filter(page_id__in=_explorable_ids(request.user))
    return get_user_model().objects.filter(
        pk__in=entries.order_by().values_list("user_id", flat=True).distinct()
    )


for _filterset in (PageFilterSet, GenericPageFilterSet):
    for _name, _queryset in (
        ("site", _scoped_sites),
        ("owner", _scoped_owners),
        ("edited_by", _scoped_editors),
    ):
        for _filters in (_filterset.base_filters, _filterset.declared_filters):
            if _name in _filters:
                _filters[_name].queryset = _queryset
