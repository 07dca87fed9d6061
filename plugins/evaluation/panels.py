"""The staff's home screen (工作台): the newest inspection of their sites, through the
core's ``lianxi_home_panels`` hook.

A site's staff see their score, vetoes and the findings to fix, each linked to the
page or record; a city's or the province's staff see their sites worst first. Three
queries whatever the number of sites or findings (the home screen's query count is
held by a test).
"""

from __future__ import annotations

from django.utils.functional import cached_property
from wagtail.admin.ui.components import Component
from wagtail.models import Site

from cms.plugins import site_access

from .models import SiteInspection

LIMIT = 8


class FindingsPanel(Component):
    name = "evaluation_findings"
    order = 35  # after 栏目更新, before 发布动态
    template_name = "evaluation/panel.html"

    def __init__(self, request, ids):
        self.request = request
        self.ids = ids

    @cached_property
    def latest(self) -> list[SiteInspection]:
        rows = (
            SiteInspection.objects.filter(site_id__in=self.ids, is_latest=True)
            .select_related("site__profile")
            .defer("indicators")
        )
        return sorted(rows, key=lambda i: (not i.vetoed, i.score, i.site_id))

    def get_context_data(self, parent_context=None):
        latest = self.latest
        single = len(self.ids) == 1
        findings = []
        if single and latest:
            findings = list(latest[0].findings.all()[:LIMIT])
        sites = 1 if single else Site.objects.filter(pk__in=self.ids, profile__isnull=False).count()
        return {
            "single": single, "latest": latest[:LIMIT], "findings": findings,
            "inspected": len(latest), "sites": sites,
            "passed": sum(1 for i in latest if i.passed),
            "vetoed": sum(1 for i in latest if i.vetoed),
        }  # fmt: skip


def panels_for(request) -> list:
    if not request.user.has_perm("evaluation.view_siteinspection"):
        return []
    ids = site_access(request).plugin_site_ids("evaluation")
    return [FindingsPanel(request, ids)] if ids else []
