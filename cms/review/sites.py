"""Which site of the group a page (by its tree path) belongs to: one indexed query."""

from __future__ import annotations


def profile_values_for_path(path: str | None) -> dict | None:
    """``{"site_id", "division_code", "name"}`` of the deepest site whose home page is at
    or above ``path`` (a treebeard path), or ``None`` outside every site."""
    if not path:
        return None
    from cms.sitegroup.models import SiteProfile

    steps = 4  # wagtail's treebeard steplen
    prefixes = [path[:i] for i in range(steps, len(path) + 1, steps)]
    return (
        SiteProfile.objects.filter(site__root_page__path__in=prefixes)
        .order_by("-site__root_page__depth")
        .values("site_id", "division_code", "name")
        .first()
    )
