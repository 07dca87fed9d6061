"""Deputies in the site-group search (``/api/v1/search/``).

One search document per **current** membership (kind ``deputies.membership``):
a deputy sitting in a county and a city congress is found on both sites. The
document's site is the congress's site; its title is the person's name; its
body is the public profile only (congress, term, delegation, constituency,
deputy group, election, party, ethnicity, education, occupation, title, posts).
The ID number, mobile and address never enter a document.

The result's ``url`` is the deputy's public API detail,
``/api/v1/deputies/<person id>/?site=<code>`` (``<code>`` is the congress's
site, or the township's nine-digit code for a township congress), since the
deputies have no page in the content tree; ``id`` is the membership's id.

Keeping it current: saving or deleting a membership re-indexes it (the search
registry's receivers); saving a person, or the congress, term, delegation,
constituency or deputy group a document names, re-indexes the memberships
concerned in bulk. The importer, whose bulk writes fire no signals, calls
``reindex_people(person_ids)`` after an import. A membership that ends, or
whose term ends, drops out when it is next saved or re-indexed (and at every
``rebuild_search``).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Prefetch, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from search.registry import RecordProvider, register, sync

from .models import (
    Congress,
    Constituency,
    Delegation,
    DeputyGroup,
    Education,
    Election,
    Gender,
    Level,
    Membership,
    OccupationCategory,
    Party,
    Person,
    PostHolding,
    Term,
    choice_labels,
)
from .stats import current_seats_q

KIND = "deputies.membership"
_UID = "deputies.search."


def current_post_q(today) -> Q:
    return Q(end_date__isnull=True) | Q(end_date__gte=today)


class MembershipProvider(RecordProvider):
    model = Membership
    kind = KIND
    verbose_name = "人大代表"

    def get_queryset(self):
        return (
            Membership.objects.filter(current_seats_q(timezone.localdate()))
            .select_related(
                "person",
                "term",
                "delegation",
                "deputy_group",
                "constituency",
                "congress__site__profile",
            )  # fmt: skip
            .defer(
                "person__id_number_encrypted",
                "person__id_number_digest",
                "person__mobile_encrypted",
                "person__address_encrypted",
            )  # fmt: skip
            .prefetch_related(
                Prefetch(
                    "person__post_holdings",
                    queryset=PostHolding.objects.filter(current_post_q(timezone.localdate()))
                    .select_related("post")
                    .order_by("post__body", "post__role", "pk"),
                    to_attr="current_posts",
                )
            )
        )

    def to_document(self, obj) -> dict:
        person = obj.person
        congress = obj.congress
        parts = [
            f"{congress.name}{obj.term.ordinal}代表",
            choice_labels(Election).get(obj.election, ""),
        ]
        for label, part in (
            (_("代表团"), obj.delegation),
            (_("选区"), obj.constituency),
            (_("代表小组"), obj.deputy_group),
        ):
            if part is not None:
                parts.append(f"{label}:{part.name}")
        parts += [
            choice_labels(Gender).get(person.gender, ""),
            person.ethnicity,
            choice_labels(Party).get(person.party, ""),
            choice_labels(Education).get(person.education, ""),
            choice_labels(OccupationCategory).get(person.occupation_category, ""),
            person.occupation,
            person.title,
        ]
        parts += [h.post.label for h in person.current_posts if h.post.term_id == obj.term_id]
        code = congress.division_code if congress.level == Level.TOWNSHIP else None
        if code is None:
            profile = getattr(congress.site, "profile", None)
            code = profile.division_code if profile is not None else ""
        return {
            "title": person.name,
            "body": " ".join(p for p in parts if p),
            "date": obj.start_date,
            "url": f"/api/v1/deputies/{person.pk}/?site={code}",
        }


provider = register(MembershipProvider())


def _auto_index() -> bool:
    return getattr(settings, "LIANXI_SEARCH_AUTO_INDEX", True)


def reindex_memberships(membership_ids) -> dict:
    """Re-index these memberships (current ones indexed, the others dropped)."""
    return sync(KIND, membership_ids)


def reindex_people(person_ids, chunk: int = 500) -> dict:
    """Re-index every membership of these people, in bulk (after an import).

    About a millisecond per membership: 120,000 seats take two minutes or so.
    """
    people = sorted(set(person_ids))
    ids = []
    for start in range(0, len(people), chunk):  # SQLite caps the parameters of one query
        batch = people[start : start + chunk]
        ids += Membership.objects.filter(person_id__in=batch).values_list("pk", flat=True)
    return reindex_memberships(ids)


#: Models a document reads, and the lookup from a membership to one of their rows.
_SOURCES = {
    Person: "person",
    Congress: "congress",
    Term: "term",
    Delegation: "delegation",
    Constituency: "constituency",
    DeputyGroup: "deputy_group",
}


def _source_saved(sender, instance, raw=False, **kwargs):
    if raw or not _auto_index():
        return
    lookup = _SOURCES[sender]
    ids = Membership.objects.filter(**{lookup: instance}).values_list("pk", flat=True)
    reindex_memberships(list(ids))


def _post_holding_changed(sender, instance, raw=False, **kwargs):
    if raw or not _auto_index():
        return
    ids = Membership.objects.filter(person_id=instance.person_id).values_list("pk", flat=True)
    reindex_memberships(list(ids))


for _model in _SOURCES:
    post_save.connect(
        _source_saved, sender=_model, weak=False, dispatch_uid=f"{_UID}{_model.__name__}"
    )
for _signal in (post_save, post_delete):
    _signal.connect(
        _post_holding_changed,
        sender=PostHolding,
        weak=False,
        dispatch_uid=f"{_UID}postholding.{id(_signal)}",
    )
