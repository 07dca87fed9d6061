"""The home screen: the cockpit's panels replace Wagtail's; the page count covers the user's sites.

Plugins add their own panels through the Wagtail hook ``lianxi_home_panels``
(``HOME_PANELS_HOOK``): a function of the request returning a list of panels
(``wagtail.admin.ui.components.Component`` with an ``order``; the cockpit's own
are 10 待我审核, 20 我的稿件, 30 栏目更新, 40 发布动态, 50 各站点), or an empty
list for a user it has nothing for. The panels are placed among the cockpit's by
their order::

    @hooks.register("lianxi_home_panels")
    def findings_panel(request):
        return [FindingsPanel(request)] if shows_anything(request) else []

A panel must cost the same queries however many rows it summarises (the home
screen's query count is held by a test).

Wagtail's "pages" summary counts everything below the nearest common ancestor
of the user's pages: for a city's staff, whose counties are siblings of their
city under the tree root, that was the whole group. Wagtail's review panel
queries every task of the group one by one; the cockpit's 待我审核 replaces it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.site_summary import PagesSummaryItem, SummaryItem
from wagtail.admin.ui.components import Component
from wagtail.admin.views.home import LockedPagesPanel

from .charts import sparkline, weekly_chart
from .cockpit import Cockpit


def cockpit_for(request) -> Cockpit:
    cockpit = getattr(request, "_lianxi_cockpit", None)
    if cockpit is None:
        cockpit = request._lianxi_cockpit = Cockpit(request.user)
    return cockpit


class CockpitPanel(Component):
    name = ""
    order = 100

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        return {"cockpit": cockpit_for(self.request), "request": self.request}


class ReviewPanel(CockpitPanel):
    name = "lianxi_reviews"
    order = 10
    template_name = "dashboard/reviews.html"


class OwnPanel(CockpitPanel):
    name = "lianxi_own"
    order = 20
    template_name = "dashboard/own.html"


class ColumnsPanel(CockpitPanel):
    name = "lianxi_columns"
    order = 30
    template_name = "dashboard/columns.html"


class ActivityPanel(CockpitPanel):
    name = "lianxi_activity"
    order = 40
    template_name = "dashboard/activity.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        cockpit = context["cockpit"]
        title = str(_("近12周发布的页面"))
        context["chart"] = (
            weekly_chart(cockpit.week_starts, cockpit.weekly, title) if cockpit.sites else ""
        )
        return context


class SitesPanel(CockpitPanel):
    name = "lianxi_sites"
    order = 50
    template_name = "dashboard/sites.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        rows = []
        for figures in context["cockpit"].per_site():
            rows.append(
                {
                    "f": figures,
                    "chart": sparkline(figures.weekly, f"{figures.name} 近12周每周发布数"),
                }
            )
        context["rows"] = rows
        return context


class SitePagesSummaryItem(SummaryItem):
    """页面数: the pages of the sites the user manages."""

    order = 100
    template_name = "dashboard/summary_pages.html"

    def get_context_data(self, parent_context):
        return {"total_pages": cockpit_for(self.request).page_count()}


#: The hook through which plugins add panels to the home screen (see the module's docstring).
HOME_PANELS_HOOK = "lianxi_home_panels"


@hooks.register("construct_homepage_panels", order=100)
def cockpit_panels(request, panels):
    locked = [p for p in panels if isinstance(p, LockedPagesPanel)]
    own = [ReviewPanel(request), OwnPanel(request), ColumnsPanel(request),
           ActivityPanel(request), SitesPanel(request)]  # fmt: skip
    for contribute in hooks.get_hooks(HOME_PANELS_HOOK):
        own.extend(contribute(request) or [])
    own.sort(key=lambda panel: getattr(panel, "order", 100))  # stable: equal orders keep theirs
    panels[:] = [*own, *locked]


@hooks.register("construct_homepage_summary_items", order=100)  # after Wagtail adds its own
def site_page_count(request, items):
    items[:] = [
        SitePagesSummaryItem(request) if isinstance(item, PagesSummaryItem) else item
        for item in items
    ]
