"""A site's editors edit its micro-portal settings, and only that site's.

Wagtail site settings take per-site permissions (``GroupSitePermission``), so
the grant follows the site group: each site's editors group gets
``portal.change_portalsettings`` for its own site when the site is provisioned
(and, for sites that existed before this app, after ``migrate``).
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from wagtail.models import GroupSitePermission


def grant(profile) -> None:
    if profile.editors_group_id is None:
        return
    perm = Permission.objects.filter(
        content_type__app_label="portal", codename="change_portalsettings"
    ).first()
    if perm is not None:  # created by post_migrate; absent during the first migrate
        GroupSitePermission.objects.get_or_create(
            group_id=profile.editors_group_id, site_id=profile.site_id, permission=perm
        )


def on_site_provisioned(sender, profile, created, **kwargs) -> None:
    grant(profile)


def grant_all(sender, using="default", **kwargs) -> None:
    from cms.sitegroup.models import SiteProfile

    for profile in SiteProfile.objects.using(using).all():
        grant(profile)
