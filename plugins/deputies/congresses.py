"""The congresses a site hosts, created with the site (``signals.py``) and by the demo.

The province site hosts the provincial congress and the national one (the
national deputies elected in the province, division code ``100000``); a city
its municipal congress; a county its county congress and one per township
column (乡镇人大) on its page tree. Only what is missing is created: a congress
is never renamed or moved.
"""

from __future__ import annotations

from cms.services import sites

from .models import Congress, Level

NATIONAL_CODE = "100000"
NATIONAL_NAME = "全国人民代表大会"
#: The congress a site of each SiteProfile level hosts.
LEVEL_FOR_SITE = {
    "province": Level.PROVINCE,
    "municipal": Level.MUNICIPAL,
    "county": Level.COUNTY,
}


def congress_name(region_name: str) -> str:
    """合肥市 → 合肥市人民代表大会."""
    return f"{region_name}人民代表大会"


def township_congress_name(column_title: str) -> str:
    """The township column 上派镇人大 → 上派镇人民代表大会."""
    return congress_name(column_title.removesuffix("人民代表大会").removesuffix("人大"))


def township_columns(profile) -> list[tuple[str, str]]:
    """(nine-digit code, title) of the township columns (乡镇人大) on the site's page tree."""
    return list(sites.township_columns(profile).values_list("division_code", "title"))


def ensure_congress(site_id: int, code: str, level: str, name: str) -> Congress:
    """The congress with ``code``, created on ``site_id`` if missing (never renamed or moved)."""
    congress, _created = Congress.objects.get_or_create(
        division_code=code, defaults={"site_id": site_id, "level": level, "name": name}
    )
    return congress


def ensure_site_congresses(profile) -> list[Congress]:
    """The congresses the site hosts, created if missing; upper levels first.

    The province site: the provincial congress, then the national one (the
    national deputies elected in the province); a city: its congress; a
    county: its congress and one per township column on its site.
    """
    level = LEVEL_FOR_SITE.get(profile.level)
    if level is None:
        return []
    own = ensure_congress(
        profile.site_id, profile.division_code, level, congress_name(profile.region_name)
    )
    congresses = [own]
    if level == Level.PROVINCE:
        congresses.append(
            ensure_congress(profile.site_id, NATIONAL_CODE, Level.NATIONAL, NATIONAL_NAME)
        )
    if level == Level.COUNTY:
        congresses += [
            ensure_congress(profile.site_id, code, Level.TOWNSHIP, township_congress_name(title))
            for code, title in township_columns(profile)
        ]
    return congresses
