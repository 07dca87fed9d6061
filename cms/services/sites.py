"""Sites by division code, for plugins: the site tree's lookups (``cms.sitegroup.tree``)
and the public-visibility rule (``cms.sitegroup.visibility``)."""

from cms.sitegroup.tree import (
    Place,
    UnknownDivisionCode,
    ancestors,
    descendants,
    get_site_profile,
    resolve_code,
    township_columns,
)
from cms.sitegroup.visibility import code_is_public, public_place

__all__ = [
    "Place",
    "UnknownDivisionCode",
    "ancestors",
    "code_is_public",
    "descendants",
    "get_site_profile",
    "public_place",
    "resolve_code",
    "township_columns",
]
