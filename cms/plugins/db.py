"""Model bases for a plugin's records (public plugin API).

Everything a site owns carries a ``site`` foreign key and is read through
``for_site()`` / ``for_user()``: subclass :class:`SiteOwnedModel`.
"""

from cms.sitegroup.models import SiteOwnedModel, SiteOwnedQuerySet

__all__ = ["SiteOwnedModel", "SiteOwnedQuerySet"]
