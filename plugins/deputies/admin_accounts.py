"""Admin: 代表履职 → 代表账号: open the sitting deputies' accounts of a site in bulk.

URL name ``deputies_accounts``; needs ``deputies.change_person`` and a site
the user manages with a congress (the import screen's rule).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.models import Site

from cms.services import accounts
from cms.services.audit import audit

from .accounts import current_memberships, open_accounts
from .admin_import import _require


def _account_counts(site_ids) -> dict[int, dict[str, int]]:
    open_refs = set(accounts.open_deputy_refs())
    counts: dict[int, dict[str, int]] = {}
    for site_id, person_id in (
        current_memberships(site_ids).values_list("site_id", "person_id").distinct()
    ):
        row = counts.setdefault(site_id, {"sitting": 0, "open": 0})
        row["sitting"] += 1
        row["open"] += str(person_id) in open_refs
    return counts


def accounts_view(request):
    sites = _require(request, "deputies.change_person")
    by_id = {s["pk"]: s for s in sites}
    if request.method == "POST":
        try:
            site = by_id[int(request.POST.get("site", ""))]
        except (KeyError, ValueError):
            raise PermissionDenied from None
        report = open_accounts([site["pk"]])
        audit(Site.objects.get(pk=site["pk"]), "deputies.accounts_opened", user=request.user,
              data={k: report.counts[k] for k in ("created", "kept", "refused")})  # fmt: skip
        messages.success(
            request,
            _("%(site)s:新开通 %(created)d 个账号,%(kept)d 个已开通,%(refused)d 人未能开通。")
            % {
                "site": site["site_name"],
                **{k: report.counts[k] for k in ("created", "kept", "refused")},
            },
        )
        return TemplateResponse(request, "deputies/admin/accounts.html",
                                {"sites": _rows(sites), "problems": report.problems})  # fmt: skip
    return TemplateResponse(request, "deputies/admin/accounts.html", {"sites": _rows(sites)})


def _rows(sites):
    counts = _account_counts([s["pk"] for s in sites])
    return [{**s, **counts.get(s["pk"], {"sitting": 0, "open": 0})} for s in sites]


@hooks.register("register_admin_urls")
def register_accounts_urls():
    return [path("deputies/accounts/", accounts_view, name="deputies_accounts")]
