"""Sites by division code, for plugins: the site tree's lookups (``cms.sitegroup.tree``;
``ScopeTree`` for roll-ups over a scope read once) and the public-visibility rule
(``cms.sitegroup.visibility``)."""

from cms.sitegroup.tree import (
    Place,
    ScopeTree,
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
    "ScopeTree",
    "UnknownDivisionCode",
    "ancestors",
    "code_is_public",
    "descendants",
    "get_site_profile",
    "public_place",
    "resolve_code",
    "township_columns",
]
