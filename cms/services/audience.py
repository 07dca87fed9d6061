"""Audiences: who may see a record that is not public (public plugin API).

An audience is stored (``cms.services.models.Audience`` and its rules) and
composed by the office: **any** rule admits a user.

=============  =========================================================================
rule           admits
=============  =========================================================================
``levels``     deputies seated in a congress of that level (``Level``: ``national`` …
               ``township``) kept on the audience's site or a site below it
``congresses`` deputies of a congress (the directory's ref)
``terms``      deputies of a term (届)
``delegations`` deputies of a delegation (代表团)
``groups``     deputies of a deputy group (代表小组)
``staff_sites`` the staff of a site: members of its 编辑, 初审 and 终审 groups
               (not the staff of the sites above that may manage it)
``townships``  the staff of a township congress (乡镇人大工作人员, by its 9-digit
               code): members of the groups granted on its township column
               (``TownshipPage``, on the county's site; the group
               ``cms.sitegroup.provisioning.ensure_township_staff`` keeps), not the
               county's staff
``users``      named accounts (user ids)
``deputies``   named deputies (directory refs), whatever their seats
=============  =========================================================================

A seat counts while it is current (``cms.services.directory``: the deputies
plugin backs it); a deputy whose seat ended is outside "the deputies of term X"
unless the audience says ``include_former``. Anonymous and inactive users are
in no audience. Seats, names and refs come through ``cms.services.directory``
only; the core never imports a plugin.

Use::

    from cms.services import audience

    spec = audience.AudienceSpec(levels=("county",), staff_sites=(site.pk,),
                                 townships=("340123100",))
    audience.validate(spec, site)                      # ValidationError, fields in Chinese
    row = audience.save(spec, site=site)               # or save(spec, site=site, audience=row)
    audience.spec_of(row)                              # the spec back
    audience.includes(user, row)                       # one record
    audience.visible(Item.objects.all(), user)         # a list: one SQL subquery, no loop
    audience.members(row)                              # the users, for notifications
    audience.describe(row)                             # "县级人大代表(合肥市人大常委会及以下);张伟"
    audience.discard(row)                              # when its record is deleted
    audience.options(site)                             # the choices a form offers

:func:`visible` filters any queryset through a foreign key to ``Audience``
(``field="audience"``): the user's seats and staff sites are read once per
user object (one request) and the rules are matched in the database.
:func:`members` answers the same question from the other side (every open
deputy account's seats, a site's staff groups, the named accounts) and is
meant for background work such as pushing a notification to the audience.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from . import directory

__all__ = [
    "AudienceSpec",
    "Options",
    "describe",
    "discard",
    "includes",
    "matching",
    "members",
    "options",
    "save",
    "spec_of",
    "validate",
    "visible",
]

#: Deputies' seats are read in chunks of this many people (``members``).
CHUNK = 500
_FACTS = "_lianxi_audience_facts"


@dataclass(frozen=True)
class AudienceSpec:
    """What an audience admits (see the module's table). Empty: nobody."""

    levels: tuple[str, ...] = ()
    congresses: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    delegations: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    staff_sites: tuple[int, ...] = ()
    townships: tuple[str, ...] = ()
    users: tuple[int, ...] = ()
    deputies: tuple[str, ...] = ()
    include_former: bool = False

    def is_empty(self) -> bool:
        return not any(
            (self.levels, self.congresses, self.terms, self.delegations, self.groups,
             self.staff_sites, self.townships, self.users, self.deputies)
        )  # fmt: skip


#: spec field → rule kind (``AudienceRuleKind``)
_FIELDS = {
    "levels": "level",
    "congresses": "congress",
    "terms": "term",
    "delegations": "delegation",
    "groups": "group",
    "staff_sites": "staff",
    "townships": "township",
    "users": "user",
    "deputies": "deputy",
}
_SEAT_KINDS = ("congress", "term", "delegation", "group")


def _models():
    from .models import Audience, AudienceRule

    return Audience, AudienceRule


def _site_id(site) -> int:
    if isinstance(site, int):
        return site
    return getattr(site, "site_id", None) or site.pk


# --- what a form offers -------------------------------------------------------------------


@dataclass
class Options:
    """The choices for composing an audience on a site: (value, label) pairs."""

    levels: list[tuple[str, str]] = field(default_factory=list)
    congresses: list[tuple[str, str]] = field(default_factory=list)
    terms: list[tuple[str, str]] = field(default_factory=list)
    delegations: list[tuple[str, str]] = field(default_factory=list)
    groups: list[tuple[str, str]] = field(default_factory=list)
    staff_sites: list[tuple[int, str]] = field(default_factory=list)
    townships: list[tuple[str, str]] = field(default_factory=list)
    deputies: list[tuple[str, str]] = field(default_factory=list)


def _subtree(site_id: int):
    """The site's profile and every profile below it."""
    from cms.sitegroup.models import SiteProfile

    from .sites import descendants

    profile = SiteProfile.objects.filter(site_id=site_id).first()
    if profile is None:
        return []
    return descendants(profile, include_self=True)


def _townships(profiles) -> list[tuple[str, str]]:
    """(code, title) of the township columns on the sites of ``profiles``, by code."""
    from wagtail.models import Site

    from cms.content.models import TownshipPage

    sites = Site.objects.filter(pk__in=[p.site_id for p in profiles])
    roots = list(sites.values_list("root_page__path", flat=True))
    if not roots:
        return []
    condition = Q()
    for root in roots:
        condition |= Q(path__startswith=root)
    rows = TownshipPage.objects.filter(condition).order_by("division_code")
    return list(rows.values_list("division_code", "title"))


def _township_codes_of(user_id: int) -> tuple[str, ...]:
    """The codes of the township columns a group of the user is granted on (one query)."""
    from cms.content.models import TownshipPage

    rows = TownshipPage.objects.filter(group_permissions__group__user=user_id)
    return tuple(sorted(set(rows.values_list("division_code", flat=True))))


def options(site) -> Options:
    """What an audience owned by ``site`` may name: levels, the congresses kept on the site
    and below with their terms, delegations and groups, the staff of those sites and of
    their township columns, and the site's current deputies (named ones)."""
    from cms.api.conventions import Level

    site_id = _site_id(site)
    profiles = _subtree(site_id)
    found = Options(levels=[(str(v), str(label)) for v, label in Level.choices])
    for congress in directory.congresses([p.site_id for p in profiles]):
        found.congresses.append((congress.ref, congress.name))
        for term in congress.terms:
            found.terms.append((term.ref, term.name))
            found.delegations += [(ref, f"{term.name} {name}") for ref, name in term.delegations]
            found.groups += [(ref, f"{term.name} {name}") for ref, name in term.groups]
    found.staff_sites = [(p.site_id, p.name) for p in profiles]
    found.townships = [(code, f"{title}工作人员") for code, title in _townships(profiles)]
    found.deputies = [(p.ref, p.name) for p in directory.deputies(site_id)]
    return found


# --- storing ------------------------------------------------------------------------------


def _clean(spec: AudienceSpec) -> AudienceSpec:
    def strs(values):
        return tuple(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))

    def ints(values):
        out = []
        for v in values:
            try:
                out.append(int(v))
            except (TypeError, ValueError):
                out.append(v)  # validate() names it
        return tuple(dict.fromkeys(out))

    return AudienceSpec(
        levels=strs(spec.levels), congresses=strs(spec.congresses), terms=strs(spec.terms),
        delegations=strs(spec.delegations), groups=strs(spec.groups),
        staff_sites=ints(spec.staff_sites), townships=strs(spec.townships), users=ints(spec.users),
        deputies=strs(spec.deputies),
        include_former=bool(spec.include_former),
    )  # fmt: skip


def _labels(spec: AudienceSpec, site_id: int) -> dict[tuple[str, str], str]:
    """(kind, value) → the name shown, for every value the spec names that exists."""
    from cms.api.conventions import Level
    from cms.sitegroup.models import SiteProfile

    labels: dict[tuple[str, str], str] = {}
    for value, label in Level.choices:
        labels[("level", str(value))] = str(label)
    needs_register = spec.congresses or spec.terms or spec.delegations or spec.groups
    if needs_register:
        for congress in directory.congresses([p.site_id for p in _subtree(site_id)]):
            labels[("congress", congress.ref)] = congress.name
            for term in congress.terms:
                labels[("term", term.ref)] = term.name
                for ref, name in term.delegations:
                    labels[("delegation", ref)] = f"{term.name}{name}"
                for ref, name in term.groups:
                    labels[("group", ref)] = f"{term.name}{name}"
    ids = [s for s in spec.staff_sites if isinstance(s, int)]
    for sid, name in SiteProfile.objects.filter(site_id__in=ids).values_list("site_id", "name"):
        labels[("staff", str(sid))] = f"{name}工作人员"
    if spec.townships:
        for code, title in _townships(_subtree(site_id)):
            labels[("township", code)] = f"{title}工作人员"
    user_ids = [u for u in spec.users if isinstance(u, int)]
    for user in get_user_model().objects.filter(pk__in=user_ids, is_active=True):
        labels[("user", str(user.pk))] = _name(user)
    for ref in spec.deputies:
        person = directory.person(ref)
        if person is not None:
            labels[("deputy", ref)] = person.name
    return labels


def validate(spec: AudienceSpec, site) -> AudienceSpec:
    """The spec, cleaned; or ``ValidationError`` naming each field with an unknown value.

    Congresses, terms, delegations and groups must be kept on ``site`` or a site below
    it; staff sites must be ``site`` or below, townships columns of those sites; users
    must be active; deputies known."""
    spec = _clean(spec)
    site_id = _site_id(site)
    labels = _labels(spec, site_id)
    below = {p.site_id for p in _subtree(site_id)}
    errors: dict[str, list[str]] = {}
    for name, kind in _FIELDS.items():
        bad = []
        for value in getattr(spec, name):
            if (kind, str(value)) not in labels or (kind == "staff" and value not in below):
                bad.append(str(value))
        if bad:
            errors[name] = [f"不存在或不在本站点范围内:{'、'.join(bad)}"]
    if spec.is_empty():
        errors.setdefault("__all__", []).append("请至少选择一类发送对象。")
    if errors:
        raise ValidationError(errors)
    return spec


def save(spec: AudienceSpec, *, site, audience=None):
    """Validate ``spec`` and store it: a new ``Audience`` of ``site``, or ``audience``'s
    rules replaced. Returns the row."""
    Audience, AudienceRule = _models()
    spec = validate(spec, site)
    labels = _labels(spec, _site_id(site))
    with transaction.atomic():
        if audience is None:
            audience = Audience.objects.create(
                site_id=_site_id(site), include_former=spec.include_former
            )
        else:
            audience.include_former = spec.include_former
            audience.save(update_fields=["include_former", "updated_at"])
            audience.rules.all().delete()
        AudienceRule.objects.bulk_create(
            [
                AudienceRule(
                    audience=audience,
                    kind=kind,
                    value=str(value),
                    label=labels.get((kind, str(value)), "")[:200],
                )  # fmt: skip
                for name, kind in _FIELDS.items()
                for value in getattr(spec, name)
            ]
        )
    return audience


def discard(audience) -> None:
    """Delete an audience (an ``Audience`` or its id) with its rules: its record is gone."""
    if audience is None:
        return
    Audience, _AudienceRule = _models()
    Audience.objects.filter(pk=getattr(audience, "pk", audience)).delete()


def spec_of(audience) -> AudienceSpec:
    """The stored audience as a spec (for forms and copies)."""
    if audience is None:
        return AudienceSpec()
    values: dict[str, list] = {name: [] for name in _FIELDS}
    kinds = {kind: name for name, kind in _FIELDS.items()}
    for rule in audience.rules.all():
        name = kinds.get(rule.kind)
        if name is None:
            continue
        values[name].append(int(rule.value) if name in ("staff_sites", "users") else rule.value)
    return AudienceSpec(**{k: tuple(v) for k, v in values.items()},
                        include_former=audience.include_former)  # fmt: skip


def describe(audience) -> str:
    """The audience in words, e.g. ``县级人大代表(合肥市人大常委会及以下);张伟``."""
    if audience is None:
        return ""
    from cms.sitegroup.models import SiteProfile

    parts = []
    owner = SiteProfile.objects.filter(site_id=audience.site_id).values_list("name", flat=True)
    owner_name = next(iter(owner), "")
    order = list(_FIELDS.values())
    rules = sorted(audience.rules.all(), key=lambda r: (order.index(r.kind), r.pk))
    for rule in rules:
        if rule.kind == "level":
            parts.append(f"{rule.label}人大代表({owner_name}及以下)")
        elif rule.kind in _SEAT_KINDS:
            parts.append(f"{rule.label}代表")
        else:
            parts.append(rule.label or rule.value)
    text = ";".join(parts) or "(未指定)"
    return text + (";含已离任的代表" if audience.include_former else "")


# --- asking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    """What decides a user's audiences: read once per user object (one request)."""

    user_id: int
    ref: str
    seats: tuple[directory.Seat, ...]
    staff_sites: tuple[int, ...]
    townships: tuple[str, ...]
    ancestors: dict[int, tuple[int, ...]]  # seat's site → it and the sites above it


def _name(user) -> str:
    account = getattr(user, "account", None) if getattr(user, "pk", None) else None
    return (
        getattr(account, "display_name", "")
        or (user.get_full_name() if hasattr(user, "get_full_name") else "")
        or user.get_username()
    )


def _staff_sites(user_id: int) -> tuple[int, ...]:
    """The sites whose 编辑, 初审 or 终审 group the user is in (one query)."""
    from cms.sitegroup.models import SiteProfile

    rows = SiteProfile.objects.filter(
        Q(editors_group__user=user_id)
        | Q(first_reviewers_group__user=user_id)
        | Q(final_reviewers_group__user=user_id)
    )
    return tuple(sorted(set(rows.values_list("site_id", flat=True))))


def _ancestor_map(site_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    from cms.sitegroup.models import SiteProfile

    parents = dict(SiteProfile.objects.values_list("site_id", "parent__site_id"))
    result = {}
    for site_id in set(site_ids):
        chain, node, seen = [], site_id, set()
        while node is not None and node not in seen:
            seen.add(node)
            chain.append(node)
            node = parents.get(node)
        result[site_id] = tuple(chain)
    return result


def _facts(user) -> _Facts | None:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    cached = user.__dict__.get(_FACTS)
    if cached is not None:
        return cached
    account = getattr(user, "account", None)
    ref = ""
    if account is not None and account.closed_at is None and account.directory_ref:
        ref = str(account.directory_ref)
    seats = tuple(directory.seats([ref]).get(ref, ())) if ref else ()
    facts = _Facts(
        user_id=user.pk,
        ref=ref,
        seats=seats,
        staff_sites=_staff_sites(user.pk),
        townships=_township_codes_of(user.pk),
        ancestors=_ancestor_map(s.site_id for s in seats),
    )
    user.__dict__[_FACTS] = facts
    return facts


def _seat_condition(seat: directory.Seat, ancestors: tuple[int, ...]) -> Q:
    condition = Q(kind="level", value=seat.level, audience__site_id__in=ancestors)
    for kind in _SEAT_KINDS:
        ref = getattr(seat, f"{kind}_ref")
        if ref:
            condition |= Q(kind=kind, value=ref)
    if not seat.current:
        condition &= Q(audience__include_former=True)
    return condition


def matching(user) -> QuerySet:
    """The ids of the audiences that include ``user`` (a values queryset, for ``__in``)."""
    _Audience, AudienceRule = _models()
    facts = _facts(user)
    if facts is None:
        return AudienceRule.objects.none().values("audience_id")
    condition = Q(kind="user", value=str(facts.user_id))
    if facts.ref:
        condition |= Q(kind="deputy", value=facts.ref)
    if facts.staff_sites:
        condition |= Q(kind="staff", value__in=[str(s) for s in facts.staff_sites])
    if facts.townships:
        condition |= Q(kind="township", value__in=list(facts.townships))
    for seat in facts.seats:
        condition |= _seat_condition(seat, facts.ancestors.get(seat.site_id, (seat.site_id,)))
    return AudienceRule.objects.filter(condition).values("audience_id")


def visible(queryset: QuerySet, user, field: str = "audience") -> QuerySet:
    """``queryset`` narrowed to the rows whose audience (the foreign key ``field``) includes
    ``user``: one subquery in SQL; a row without an audience is visible to nobody."""
    return queryset.filter(**{f"{field}__in": matching(user)})


def includes(user, audience) -> bool:
    """Whether ``audience`` (an ``Audience`` or its id) includes ``user``."""
    if audience is None:
        return False
    audience_id = getattr(audience, "pk", audience)
    return matching(user).filter(audience_id=audience_id).exists()


def _seat_matches(seat: directory.Seat, rules, audience, ancestors) -> bool:
    if not seat.current and not audience.include_former:
        return False
    for kind, value in rules:
        if kind == "level" and seat.level == value and audience.site_id in ancestors:
            return True
        if kind in _SEAT_KINDS and getattr(seat, f"{kind}_ref") == value:
            return True
    return False


def members(audience) -> list:
    """The active users ``audience`` includes (the same answer as :func:`includes`, from the
    other side), by id: whom to notify. Reads every open deputy account's seats when the
    audience names seats, so call it from background work for large registers."""
    from cms.accounts.models import Account

    if audience is None:
        return []
    User = get_user_model()
    rules = [(r.kind, r.value) for r in audience.rules.all()]
    ids: set[int] = set()
    users = [int(v) for k, v in rules if k == "user" and v.isdigit()]
    ids.update(User.objects.filter(pk__in=users, is_active=True).values_list("pk", flat=True))
    staff = {int(v) for k, v in rules if k == "staff" and v.isdigit()}
    if staff:
        from cms.sitegroup.models import SiteProfile

        groups = set()
        for row in SiteProfile.objects.filter(site_id__in=staff).values_list(
            "editors_group", "first_reviewers_group", "final_reviewers_group"
        ):
            groups.update(g for g in row if g)
        ids.update(
            User.objects.filter(groups__in=groups, is_active=True).values_list("pk", flat=True)
        )
    townships = [v for k, v in rules if k == "township"]
    if townships:
        from cms.content.models import TownshipPage

        pages = TownshipPage.objects.filter(division_code__in=townships)
        ids.update(
            User.objects.filter(groups__page_permissions__page__in=pages, is_active=True)
            .values_list("pk", flat=True)
        )  # fmt: skip
    accounts = Account.objects.filter(
        directory_ref__isnull=False, closed_at__isnull=True, user__is_active=True
    ).exclude(directory_ref="")
    named = [v for k, v in rules if k == "deputy"]
    if named:
        ids.update(accounts.filter(directory_ref__in=named).values_list("user_id", flat=True))
    seat_rules = [(k, v) for k, v in rules if k == "level" or k in _SEAT_KINDS]
    if seat_rules:
        pairs = list(accounts.values_list("directory_ref", "user_id").order_by("pk"))
        for start in range(0, len(pairs), CHUNK):
            chunk = dict(pairs[start : start + CHUNK])
            found = directory.seats(list(chunk))
            ancestors = _ancestor_map(s.site_id for seats in found.values() for s in seats)
            for ref, seats in found.items():
                if any(
                    _seat_matches(s, seat_rules, audience, ancestors.get(s.site_id, ()))
                    for s in seats
                ):
                    ids.add(chunk[ref])
    return list(User.objects.filter(pk__in=ids).select_related("account").order_by("pk"))
