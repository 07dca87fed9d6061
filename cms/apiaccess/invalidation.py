"""What invalidates cached API responses, and the CDN purge of the API URLs that changed.

Receivers (connected in ``ApiAccessConfig.ready``):

==========================================  =========================================
change                                      invalidates
==========================================  =========================================
page published / unpublished / saved live   the page's site (+ CDN purge of its URLs)
page created, or saved whole while not live the page's site
page deleted                                the page's site (+ CDN purge)
page view restriction saved or deleted      the page's site
page moved                                  the old and the new site (+ CDN purge)
``Site`` or ``SiteProfile`` saved/deleted   everything (the site set changed)
any row with a ``site`` FK (plugin records,  that site
plugin switches, site settings, CORS...)
generic settings, redirects                 everything
image / document saved or deleted           the site owning its collection, else all
==========================================  =========================================

Plugins whose data is not reachable through a ``site`` FK call
``cms.api.caching.invalidate_site(code)`` themselves. A model with a ``site``
FK that no public answer ever shows (what users submit before anything of it
is published, uploads, the moderation queue) says so with
``affects_public_api = False``: otherwise every citizen's write would empty
the site's cache of public answers.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move, pre_page_move

from cms.api.caching import invalidate_all, invalidate_site
from cms.sitegroup.tree import SiteIndex

logger = logging.getLogger(__name__)


# --- page → site (the site tree: cms.sitegroup.tree) -------------------------------


def site_code_for_path(path: str, index: SiteIndex | None = None) -> str | None:
    """The division code of the site whose home page holds the page at tree ``path``."""
    return (index or SiteIndex()).code_for_path(path)


def api_urls_for_page(page, code: str, url_path: str | None = None) -> list[str]:
    """The public API URLs whose responses show ``page`` (relative to the API host).

    ``url_path`` is the page's Wagtail ``url_path`` when it differs from the
    page's current one (before a move); find-by-path takes it below the home page.
    """
    site_q = urlencode({"site": code})
    root_url_path = (
        Site.objects.filter(profile__division_code=code)
        .values_list("root_page__url_path", flat=True)
        .first()
    )
    relative = url_path or page.url_path or "/"
    if root_url_path and relative.startswith(root_url_path):
        relative = "/" + relative[len(root_url_path) :]
    return [
        f"/api/v1/pages/{page.pk}/?{site_q}",
        "/api/v1/pages/find/?" + urlencode({"site": code, "path": relative}),
        f"/api/v1/pages/?{site_q}",
        f"/api/v1/columns/?{site_q}",
        f"/api/v1/sites/{code}/",
        "/api/v1/sites/",
    ]


def purge_api_urls(paths: list[str]) -> None:
    """Send the API URLs to the CDN purge backends (``WAGTAILFRONTENDCACHE``), after commit."""
    if not paths or not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    base = settings.LIANXI_API_PUBLIC_URL.rstrip("/")
    batch = PurgeBatch([base + p for p in dict.fromkeys(paths)])

    def purge():
        try:
            batch.purge()
        except Exception:  # a CDN outage must not fail a publish
            logger.exception("Purging API URLs from the frontend cache failed")

    transaction.on_commit(purge)


def page_changed(page, *, url_path: str | None = None, extra_codes=()) -> None:
    codes = {site_code_for_path(page.path), *extra_codes} - {None}
    if not codes:
        invalidate_all()
        return
    invalidate_site(*codes)
    paths = []
    for code in codes:
        paths += api_urls_for_page(page, code, url_path)
    purge_api_urls(paths)


# --- receivers -----------------------------------------------------------------


def on_page_published(sender, instance, **kwargs):
    page_changed(instance)


def on_page_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if not instance.live and not created and update_fields is not None:
        return  # a draft's revision fields (``save_revision``): nothing public changed
    # Pages saved live outside publish() (imports, scripts), new pages (their parent
    # now has children) and whole saves of pages not live (``live = False`` in a
    # script): invalidate only.
    code = site_code_for_path(instance.path)
    invalidate_site(code) if code else invalidate_all()


def on_page_deleted(sender, instance, **kwargs):
    page_changed(instance)


def on_pre_page_move(sender, instance, parent_page_before, **kwargs):
    code = site_code_for_path(parent_page_before.path)
    invalidate_site(code) if code else invalidate_all()


def on_post_page_move(sender, instance, parent_page_before, url_path_before, **kwargs):
    before = site_code_for_path(parent_page_before.path)
    page_changed(instance, extra_codes=[before] if before else [])
    if before:
        # The old find-by-path URL answered this page too.
        purge_api_urls(api_urls_for_page(instance, before, url_path_before)[:2])


def on_view_restriction_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        code = site_code_for_path(instance.page.path)
        invalidate_site(code) if code else invalidate_all()


def on_site_changed(sender, **kwargs):
    if not kwargs.get("raw"):
        invalidate_all()


def on_site_owned_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from cms.sitegroup.models import SiteProfile

    code = (
        SiteProfile.objects.filter(site_id=instance.site_id)
        .values_list("division_code", flat=True)
        .first()
    )
    invalidate_site(code) if code else invalidate_all()


def on_media_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from cms.sitegroup.models import SiteProfile

    collection = getattr(instance, "collection", None)
    path = getattr(collection, "path", None) if collection is not None else None
    if path:
        rows = SiteProfile.objects.filter(collection__isnull=False).values_list(
            "collection__path", "division_code"
        )
        codes = [code for root, code in rows if path.startswith(root)]
        if codes:
            invalidate_site(*codes)
            return
    invalidate_all()


def on_anything_shared_changed(sender, raw=False, **kwargs):
    if not raw:
        invalidate_all()


def _has_site_fk(model) -> bool:
    try:
        field = model._meta.get_field("site")
    except Exception:
        return False
    return getattr(field, "related_model", None) is Site and field.many_to_one


def connect_receivers() -> None:
    from wagtail.contrib.settings.models import BaseGenericSetting
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import PageViewRestriction

    from cms.sitegroup.models import SiteProfile

    uid = "lianxi-apicache"
    page_published.connect(on_page_published, dispatch_uid=uid)
    page_unpublished.connect(on_page_published, dispatch_uid=uid)
    pre_page_move.connect(on_pre_page_move, dispatch_uid=uid)
    post_page_move.connect(on_post_page_move, dispatch_uid=uid)
    post_save.connect(on_view_restriction_changed, sender=PageViewRestriction, dispatch_uid=uid)
    post_delete.connect(on_view_restriction_changed, sender=PageViewRestriction, dispatch_uid=uid)
    for model in (Site, SiteProfile):
        post_save.connect(on_site_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(on_site_changed, sender=model, dispatch_uid=uid)
    for model in (get_image_model(), get_document_model()):
        post_save.connect(on_media_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(on_media_changed, sender=model, dispatch_uid=uid)
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        if issubclass(model, Page):
            post_save.connect(on_page_saved, sender=model, dispatch_uid=uid)
            post_delete.connect(on_page_deleted, sender=model, dispatch_uid=uid)
        elif (
            _has_site_fk(model)
            and model is not SiteProfile
            and getattr(model, "affects_public_api", True)
        ):
            post_save.connect(on_site_owned_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(on_site_owned_changed, sender=model, dispatch_uid=uid)
        elif (
            issubclass(model, BaseGenericSetting)
            or model._meta.label == "wagtailredirects.Redirect"
        ):
            post_save.connect(on_anything_shared_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(on_anything_shared_changed, sender=model, dispatch_uid=uid)
