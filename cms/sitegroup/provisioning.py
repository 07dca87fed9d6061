"""Creating a site of the group: page tree, columns, collection, staff groups.

``provision_site`` is what the ``create_site`` command, the admin action and
the demo loader all call. It is idempotent: running it again for the same
division code updates names and repairs anything missing, never duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from .columns import columns_for_level
from .models import Level, SiteProfile, level_for_code
from .role_permissions import grant_role_permissions
from .signals import site_provisioned, township_provisioned

# What each role may do to its pages (Wagtail page permissions). Publishing is
# the workflow's job: a page goes live when the 终审 approves the last step
# (``cms.review.workflows``), so no role holds ``publish_page`` and nobody skips
# the 初审. Reviewers edit only to approve with corrections; they create nothing.
EDITOR_PAGE_PERMS = ("add_page", "change_page", "lock_page")
FIRST_REVIEWER_PAGE_PERMS = ("change_page", "lock_page", "unlock_page")
FINAL_REVIEWER_PAGE_PERMS = ("change_page", "lock_page", "unlock_page")
#: A township congress's staff: its column only, submitted to the county's reviewers.
TOWNSHIP_PAGE_PERMS = ("add_page", "change_page", "lock_page")
STAFF_COLLECTION_PERMS = {
    "wagtailimages": ("add_image", "change_image", "choose_image"),
    "wagtaildocs": ("add_document", "change_document", "choose_document"),
}


@dataclass
class SiteSpec:
    division_code: str
    name: str
    region_name: str
    short_name: str = ""
    english_name: str = ""
    parent_code: str | None = None
    hostname: str | None = None
    port: int = 80
    is_default_site: bool = False


def default_hostname(code: str) -> str:
    # *.localhost resolves to the loopback address in browsers and curl, so
    # every demo site is reachable without editing /etc/hosts.
    return f"{code}.localhost"


def _perm(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _page_perm(codename: str) -> Permission:
    return _perm("wagtailcore", codename)


def grant_page_permissions(group: Group, page: Page, codenames) -> None:
    for codename in codenames:
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=_page_perm(codename)
        )


def grant_collection_permissions(group: Group, collection: Collection) -> None:
    for app_label, codenames in STAFF_COLLECTION_PERMS.items():
        for codename in codenames:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=_perm(app_label, codename)
            )


def grant_staff_access(profile: SiteProfile, page: Page, collection: Collection) -> None:
    """Give ``profile``'s three staff groups their roles on ``page``'s subtree and ``collection``."""
    grant_page_permissions(profile.editors_group, page, EDITOR_PAGE_PERMS)
    grant_page_permissions(profile.first_reviewers_group, page, FIRST_REVIEWER_PAGE_PERMS)
    grant_page_permissions(profile.final_reviewers_group, page, FINAL_REVIEWER_PAGE_PERMS)
    for group in profile.groups:
        grant_collection_permissions(group, collection)


def _ensure_group(name: str) -> Group:
    group, _created = Group.objects.get_or_create(name=name)
    group.permissions.add(_perm("wagtailadmin", "access_admin"))
    return group


@transaction.atomic
def provision_site(spec: SiteSpec) -> tuple[SiteProfile, bool]:
    """Create or repair the site for ``spec``; returns (profile, created)."""
    from cms.content.models import ColumnPage, HomePage

    code = spec.division_code
    level = level_for_code(code)
    parent = None
    if spec.parent_code:
        parent = SiteProfile.objects.filter(division_code=spec.parent_code).first()
        if parent is None:
            raise ValidationError(
                {"parent": _("上级站点 %(code)s 不存在,请先创建。") % {"code": spec.parent_code}}
            )

    profile = (
        SiteProfile.objects.select_related("site__root_page").filter(division_code=code).first()
    )
    created = profile is None
    if created:
        tree_root = Page.get_first_root_node()
        home = HomePage(title=spec.name, slug=f"site-{code}", draft_title=spec.name)
        tree_root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.create(
            hostname=spec.hostname or default_hostname(code),
            port=spec.port,
            root_page=home,
            site_name=spec.name,
            is_default_site=spec.is_default_site,
        )
        profile = SiteProfile(site=site, division_code=code)
    else:
        site = profile.site
        home = site.root_page.specific
        site.site_name = spec.name
        if spec.hostname:
            site.hostname = spec.hostname
            site.port = spec.port
        site.save()
        if home.title != spec.name:
            home.title = home.draft_title = spec.name
            home.save_revision().publish()

    if spec.is_default_site:
        Site.objects.exclude(pk=site.pk).filter(is_default_site=True).update(is_default_site=False)
        if not site.is_default_site:
            site.is_default_site = True
            site.save()

    profile.level = level
    profile.parent = parent
    profile.name = spec.name
    profile.region_name = spec.region_name
    profile.short_name = spec.short_name or profile.short_name
    profile.english_name = spec.english_name or profile.english_name
    profile.full_clean(exclude=["site", "collection", "editors_group",
                                "first_reviewers_group", "final_reviewers_group"])  # fmt: skip

    # Collection for the site's images and documents (flat under the root
    # collection: a site's staff must not inherit another site's media).
    if profile.collection is None:
        profile.collection = Collection.get_first_root_node().add_child(name=spec.name)
    elif profile.collection.name != spec.name:
        profile.collection.name = spec.name
        profile.collection.save()

    # Staff groups, named after the site so the admin's group list reads well.
    profile.editors_group = profile.editors_group or _ensure_group(f"{code} {spec.name} · 编辑")
    profile.first_reviewers_group = profile.first_reviewers_group or _ensure_group(
        f"{code} {spec.name} · 初审"
    )
    profile.final_reviewers_group = profile.final_reviewers_group or _ensure_group(
        f"{code} {spec.name} · 终审"
    )
    profile.save()
    # 等保: reviewers log in with two factors (cms.security).
    for group in (profile.first_reviewers_group, profile.final_reviewers_group):
        group.permissions.add(_perm("security", "requires_second_factor"))

    grant_staff_access(profile, home, profile.collection)
    # What each role may do to models, as the core apps and plugins declare it.
    grant_role_permissions([profile], township_groups=[])

    # Standard columns, matched by slug so a re-run repairs without duplicating.
    existing = {p.slug for p in home.get_children()}
    for column in columns_for_level(level):
        if column.slug in existing:
            continue
        # Standard columns are created live without a revision: they hold no
        # content to review, and provisioning a county stays cheap. The site's
        # creation itself is recorded in the audit log.
        now = timezone.now()
        page = ColumnPage(
            title=str(column.title),
            slug=column.slug,
            expected_update_days=column.expected_update_days,
            live=True,
            has_unpublished_changes=False,
            first_published_at=now,
            last_published_at=now,
        )
        home.add_child(instance=page)

    log(
        instance=profile,
        action="lianxi.site_provisioned" if created else "lianxi.site_updated",
        data={"site": code, "name": spec.name},
    )
    site_provisioned.send(sender=SiteProfile, profile=profile, created=created)
    return profile, created


def grant_descendant_access(profile: SiteProfile) -> int:
    """Let a city's (or the province's) staff manage the sites below it too.

    The national rule gives the city responsibility for its counties' portals;
    whether its staff edit them directly is a local decision, so it is a
    separate, explicit grant. Returns the number of sites granted.
    """
    count = 0
    for child in profile.get_descendants():
        grant_staff_access(profile, child.site.root_page, child.collection)
        count += 1
    return count


def provision_township(county: SiteProfile, code: str, name: str):
    """Create or rename a township column (乡镇人大) under the county's 乡镇人大 column."""
    from cms.content.models import ColumnPage, TownshipPage

    if county.level != Level.COUNTY:
        raise ValidationError(_("乡镇人大栏目只能建在县级站点上。"))
    existing = TownshipPage.objects.filter(division_code=code).first()
    if existing is not None:
        if existing.title != name:
            existing.title = existing.draft_title = name
            existing.save_revision().publish()
        return existing, False
    container = ColumnPage.objects.child_of(county.site.root_page).filter(slug="townships").first()
    if container is None:
        raise ValidationError(_("县级站点缺少“乡镇人大”栏目,请先重新运行建站。"))
    page = TownshipPage(title=name, slug=f"t{code}", division_code=code, expected_update_days=60)
    page.full_clean(exclude=["path", "depth"])
    container.add_child(instance=page)
    page.save_revision().publish()  # page_published → ensure_township_staff
    return page, True


def township_staff_group(page) -> Group | None:
    """The staff group of a township column: the group granted on the column itself."""
    return Group.objects.filter(page_permissions__page_id=page.pk).order_by("pk").distinct().first()


def ensure_township_staff(page) -> Group | None:
    """Create or repair a township column's staff group (乡镇人大工作人员).

    The group edits the column's pages (submitted to the county's 初审 and 终审),
    keeps its images and documents in a collection of its own inside the
    county's (the county's staff see it too), and holds its congress's records
    in the plugins (``cms.sitegroup.access``: township staff), with the
    ``township_staff`` model permissions the apps declare (``cms.sitegroup.role_permissions``).
    Idempotent; a column not (yet) on a site gets nothing.
    """
    site = page.get_site()
    profile = getattr(site, "profile", None) if site is not None else None
    if profile is None:
        return None
    with transaction.atomic():
        group = township_staff_group(page) or _ensure_group(
            f"{page.division_code} {page.title} · 乡镇人大工作人员"
        )
        grant_page_permissions(group, page, TOWNSHIP_PAGE_PERMS)
        collection = (
            Collection.objects.filter(group_permissions__group=group).order_by("pk").first()
        )
        if collection is None and profile.collection is not None:
            collection = profile.collection.add_child(name=page.title)
        if collection is not None:
            grant_collection_permissions(group, collection)
        grant_role_permissions([], township_groups=[group])
    township_provisioned.send(sender=type(page), page=page, group=group, profile=profile)
    return group


def on_township_published(sender, instance, **kwargs) -> None:
    """A township column published by an editor gets its staff group too."""
    ensure_township_staff(instance)


# --- Added for per-site isolation (create_site --whole-tree, tests) ----------


def grant_tree_root_access(profile: SiteProfile) -> None:
    """Let a site's staff (the province's) manage every site of the group.

    Grants the staff groups their usual page permissions on the page tree's
    root and their collection permissions on the root collection, so sites
    created later are covered too. ``site_access(user).site_ids`` then holds every
    site, and the whole-tree reports open up.
    """
    grant_staff_access(profile, Page.get_first_root_node(), Collection.get_first_root_node())


def reconcile_staff_roles() -> None:
    """Bring existing sites and townships in line with the roles above (run on ``migrate``).

    Reviewers lose page permissions their role no longer has (终审 once held
    ``add_page`` and ``publish_page``), and township columns created before
    township staff existed get their group. Cheap when nothing is to do.
    """
    from cms.content.models import TownshipPage

    roles = (
        ("first_reviewers_group", FIRST_REVIEWER_PAGE_PERMS),
        ("final_reviewers_group", FINAL_REVIEWER_PAGE_PERMS),
    )
    for field, allowed in roles:
        GroupPagePermission.objects.filter(
            group__in=SiteProfile.objects.exclude(**{field: None}).values(field)
        ).exclude(permission__codename__in=allowed).delete()
    granted = GroupPagePermission.objects.values("page_id")
    for page in TownshipPage.objects.exclude(pk__in=granted).order_by("path"):
        ensure_township_staff(page)


def on_post_migrate(sender, using="default", **kwargs) -> None:
    from django.db import connections

    if sender.label != "sitegroup":
        return
    if SiteProfile._meta.db_table not in connections[using].introspection.table_names():
        return
    reconcile_staff_roles()
