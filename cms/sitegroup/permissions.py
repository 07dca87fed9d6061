"""Which sites a user may manage, derived from Wagtail's own permissions.

Staff are attached to a site by Wagtail ``GroupPagePermission`` rows on the
site's home page (the province's staff on the tree root), so the page tree
stays the single source of truth: no parallel "user belongs to site" table
to keep in step.
"""

from __future__ import annotations

from wagtail.models import GroupPagePermission, Site


def _permitted_paths(user) -> list[str]:
    cache = getattr(user, "_lianxi_permitted_paths", None)
    if cache is None:
        cache = list(
            GroupPagePermission.objects.filter(group__user=user)
            .values_list("page__path", flat=True)
            .distinct()
        )
        user._lianxi_permitted_paths = cache
    return cache


def site_ids_for_user(user) -> list[int]:
    """Ids of the sites whose home page lies at or below a page the user has rights on."""
    if not user.is_authenticated or not user.is_active:
        return []
    paths = _permitted_paths(user)
    if not paths:
        return []
    sites = Site.objects.values_list("id", "root_page__path")
    return [sid for sid, root in sites if any(root.startswith(p) for p in paths)]


def user_can_manage_site(user, site: Site | int) -> bool:
    site_id = site if isinstance(site, int) else site.pk
    return user.is_superuser or site_id in site_ids_for_user(user)
