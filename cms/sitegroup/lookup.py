"""Site lookup by division code: the one way the API, imports and plugins find a site."""

from __future__ import annotations

from dataclasses import dataclass

from .models import SiteProfile


class UnknownDivisionCode(LookupError):
    pass


@dataclass(frozen=True)
class Place:
    """What a division code addresses: a site, and for a township its column page."""

    profile: SiteProfile
    township: object | None = None

    @property
    def site(self):
        return self.profile.site


def get_site_profile(code: str) -> SiteProfile:
    """The site with this six-digit code, or ``UnknownDivisionCode``."""
    try:
        return SiteProfile.objects.select_related("site", "parent").get(division_code=code)
    except SiteProfile.DoesNotExist as exc:
        raise UnknownDivisionCode(code) from exc


def resolve_code(code: str) -> Place:
    """Resolve a six-digit site code or a nine-digit township code."""
    code = (code or "").strip()
    if len(code) == 9 and code.isdigit():
        from cms.content.models import TownshipPage

        township = TownshipPage.objects.filter(division_code=code).first()
        if township is None:
            raise UnknownDivisionCode(code)
        county = get_site_profile(code[:6])
        return Place(profile=county, township=township)
    return Place(profile=get_site_profile(code))
