"""Site lookup by division code: the same functions the core API and imports use."""

from cms.sitegroup.lookup import Place, UnknownDivisionCode, get_site_profile, resolve_code

__all__ = ["Place", "UnknownDivisionCode", "get_site_profile", "resolve_code"]
