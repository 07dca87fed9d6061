"""Which sites a user may manage: the one site-access policy of Lianxi.

Every "may this user manage that site / that record / switch that plugin"
question goes through :func:`site_access`, in the spirit of Wagtail's own
``SitePermissionPolicy``: one object per user, computed once per request (it is
memoised on the user object, which Django builds afresh for each request) and
asked everywhere: admin screens, forms, list filters, the plugin switches, the
API's write permission, the admin search, audit entries.

Where the answer comes from (the page tree is the single source of truth, no
parallel "user belongs to site" table to keep in step):

* **Managed sites.** A site's staff groups have Wagtail ``GroupPagePermission``
  rows on the site's home page, so a user manages every site whose home page
  lies at or below a page one of their groups has rights on. A city's staff
  manage their counties once ``grant_descendant_access`` ran.
* **Whole tree.** Superusers, and staff granted on the page tree's root (the
  province, ``grant_tree_root_access``), see every site and the reports that
  span the group.
* **Township staff.** A group granted on a ``TownshipPage`` (乡镇人大栏目) and
  on no site's home manages no site: it holds the records of its township on the
  county's site (``townships``), i.e. the rows of a site-owned model that
  declares ``township_field`` (the lookup to the township's division code) and
  whose code is theirs. Its pages are limited by Wagtail's page permissions.
* **Plugin switches.** A site's switches are changed by the staff of its parent
  site; the top of the group (the province) switches its own. Superusers switch
  every site.
* **A plugin's sites.** Everything above, narrowed to the sites that have the
  plugin switched on (``plugin_site_ids``).
* **The site group itself.** Superusers and holders of
  ``sitegroup.manage_site_group`` (the system administrator, 系统管理员) see
  every site's profile on the 网站群 screen and provision new sites anywhere in
  the group (``manages_site_group``, ``configurable_profiles``). That is
  configuration, not content: it gives no page, media or record rights.

Inactive and anonymous users manage nothing, superusers or not.
"""

from __future__ import annotations

from functools import cached_property

from django.db.models import Q
from wagtail.models import GroupPagePermission, Page, Site

_CACHE_ATTRIBUTE = "_lianxi_site_access"

#: Who configures the whole site group (every site's profile, new sites anywhere).
MANAGE_SITE_GROUP = "sitegroup.manage_site_group"


def site_access(user_or_request) -> SiteAccess:
    """The user's :class:`SiteAccess`, built once per user object (i.e. per request).

    Pass a user or a request. Anonymous users get a fresh, empty policy.
    """
    user = getattr(user_or_request, "user", user_or_request)
    if not getattr(user, "is_authenticated", False):
        return SiteAccess(user)
    access = user.__dict__.get(_CACHE_ATTRIBUTE)
    if access is None or access.user is not user:
        access = SiteAccess(user)
        user.__dict__[_CACHE_ATTRIBUTE] = access
    return access


def forget_site_access(user) -> None:
    """Drop the memoised policy (after changing the user's groups in the same request)."""
    user.__dict__.pop(_CACHE_ATTRIBUTE, None)


def _site_id(site) -> int | None:
    if site is None or isinstance(site, int):
        return site
    site_id = getattr(site, "site_id", None)  # a SiteProfile
    return site_id if site_id is not None else site.pk


class SiteAccess:
    """What one user may manage. Build it with :func:`site_access`, not directly."""

    def __init__(self, user):
        self.user = user

    # --- who -------------------------------------------------------------------

    @cached_property
    def is_active(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False) and self.user.is_active)

    @cached_property
    def is_superuser(self) -> bool:
        return self.is_active and bool(self.user.is_superuser)

    @cached_property
    def _permitted_paths(self) -> tuple[str, ...]:
        """Paths of the pages the user's groups hold any Wagtail page permission on."""
        if not self.is_active or self.is_superuser:
            return ()
        return tuple(
            GroupPagePermission.objects.filter(group__user=self.user)
            .values_list("page__path", flat=True)
            .distinct()
        )

    @cached_property
    def whole_tree(self) -> bool:
        """Superusers and staff granted on the tree root (who see every site)."""
        if self.is_superuser:
            return True
        return any(len(path) == Page.steplen for path in self._permitted_paths)

    # --- managed sites ---------------------------------------------------------

    @cached_property
    def _site_roots(self) -> tuple[tuple[int, str], ...]:
        return tuple(Site.objects.order_by("pk").values_list("pk", "root_page__path"))

    @cached_property
    def site_ids(self) -> frozenset[int]:
        """Ids of the sites the user manages (every site for a superuser)."""
        if self.is_superuser:
            return frozenset(Site.objects.values_list("pk", flat=True))
        paths = self._permitted_paths
        if not paths:
            return frozenset()
        return frozenset(
            sid for sid, root in self._site_roots if any(root.startswith(p) for p in paths)
        )

    def sites(self):
        """The managed ``Site`` rows, with their profile, in division-code order."""
        qs = Site.objects.select_related("profile").order_by("profile__division_code", "hostname")
        return qs if self.is_superuser else qs.filter(pk__in=self.site_ids)

    def profiles(self):
        """The managed sites' ``SiteProfile`` rows."""
        from .models import SiteProfile

        qs = SiteProfile.objects.all()
        return qs if self.is_superuser else qs.filter(site_id__in=self.site_ids)

    def can_manage(self, site) -> bool:
        """Whether the user manages ``site`` (a ``Site``, ``SiteProfile`` or id)."""
        return self.is_superuser or _site_id(site) in self.site_ids

    # --- the site group's configuration -----------------------------------------

    @cached_property
    def manages_site_group(self) -> bool:
        """Superusers and holders of ``sitegroup.manage_site_group`` (系统管理员).

        They see every site's profile and may provision a site anywhere in the
        group (a province too); no page or record rights come with it.
        """
        return self.is_superuser or (self.is_active and self.user.has_perm(MANAGE_SITE_GROUP))

    def configurable_profiles(self):
        """The ``SiteProfile`` rows whose configuration (names, new sites below) the user
        may change: every site for those who manage the site group, else the managed ones."""
        from .models import SiteProfile

        if self.manages_site_group:
            return SiteProfile.objects.all()
        return self.profiles()

    def can_configure(self, site) -> bool:
        """Whether the user may change ``site``'s profile (object form of the above)."""
        return self.manages_site_group or _site_id(site) in self.site_ids

    # --- township staff --------------------------------------------------------

    @cached_property
    def townships(self) -> dict[int, frozenset[str]]:
        """{county site id: township codes} the user is township staff of.

        Granted on a township column (or a page inside it) of a site the user
        does not manage as a whole.
        """
        if self.is_superuser:
            return {}
        managed_roots = [root for sid, root in self._site_roots if sid in self.site_ids]
        deep = [
            p
            for p in self._permitted_paths
            if not any(p.startswith(root) for root in managed_roots)
            and any(p.startswith(root) and p != root for _sid, root in self._site_roots)
        ]
        if not deep:
            return {}
        from cms.content.models import TownshipPage

        condition = Q()
        for path in deep:
            # The township column itself, one inside it, or one the grant is inside.
            condition |= Q(path__startswith=path) | Q(
                path__in=[path[:n] for n in range(Page.steplen, len(path), Page.steplen)]
            )
        result: dict[int, set[str]] = {}
        for path, code in TownshipPage.objects.filter(condition).values_list(
            "path", "division_code"
        ):
            for sid, root in self._site_roots:
                if path.startswith(root):
                    result.setdefault(sid, set()).add(code)
        return {sid: frozenset(codes) for sid, codes in result.items()}

    @cached_property
    def is_township_staff(self) -> bool:
        return bool(self.townships)

    @cached_property
    def handling_unit_ids(self) -> tuple[int, ...]:
        """The active handling units (承办单位) the user works for: the items assigned to
        them are what the user may see (``cms.services.accounts.units_of``)."""
        if not getattr(self.user, "is_authenticated", False):
            return ()
        from django.apps import apps

        units = apps.get_model("accounts", "HandlingUnit").objects
        return tuple(
            units.filter(members=self.user, active=True).order_by("pk").values_list("pk", flat=True)
        )

    @cached_property
    def record_site_ids(self) -> frozenset[int]:
        """Sites the user may hold records of: managed sites and their townships' counties."""
        return self.site_ids | frozenset(self.townships)

    def record_sites(self):
        """``Site`` rows the user may put a record on (the ``site`` choice of a form)."""
        qs = Site.objects.select_related("profile").order_by("profile__division_code", "hostname")
        return qs if self.is_superuser else qs.filter(pk__in=self.record_site_ids)

    def records_q(self, model, site_field: str = "site") -> Q:
        """The condition selecting the rows of ``model`` the user holds (not for superusers).

        Rows of a managed site; on a township's county, the rows whose
        ``model.township_field`` names one of the user's townships.
        """
        condition = Q(**{f"{site_field}_id__in": self.site_ids})
        township_field = getattr(model, "township_field", None)
        if township_field:
            for sid, codes in self.townships.items():
                condition |= Q(**{f"{site_field}_id": sid, f"{township_field}__in": codes})
        return condition

    def holds(self, obj, site_field: str = "site") -> bool:
        """Whether the user holds the record ``obj`` (the object form of ``records_q``)."""
        if self.is_superuser:
            return True
        site_id = getattr(obj, f"{site_field}_id", None)
        if site_id in self.site_ids:
            return True
        codes = self.townships.get(site_id)
        township_field = getattr(type(obj), "township_field", None)
        if not codes or not township_field:
            return False
        value = obj
        for part in township_field.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return False
        return value in codes

    # --- plugins ----------------------------------------------------------------

    @cached_property
    def _enabled(self) -> dict[str, frozenset[int]]:
        return {}

    def enabled_site_ids(self, label: str) -> frozenset[int]:
        """Every site with plugin ``label`` switched on (read once per request)."""
        if label not in self._enabled:
            from cms.plugins.registry import enabled_site_ids

            self._enabled[label] = frozenset(enabled_site_ids(label))
        return self._enabled[label]

    def plugin_site_ids(self, label: str) -> frozenset[int]:
        """The sites whose records of plugin ``label`` the user holds, with the plugin on."""
        enabled = self.enabled_site_ids(label)
        return enabled if self.is_superuser else enabled & self.record_site_ids

    @cached_property
    def switchable_site_ids(self) -> frozenset[int]:
        """Sites whose plugin switches the user may change.

        The staff of a site switch the sites directly below it; the top of the
        group (the province) switches its own too. Superusers switch every site.
        """
        if self.is_superuser:
            return frozenset(Site.objects.values_list("pk", flat=True))
        managed = self.site_ids
        if not managed:
            return frozenset()
        from .models import SiteProfile

        return frozenset(
            site_id
            for site_id, parent_site_id in SiteProfile.objects.values_list(
                "site_id", "parent__site_id"
            )
            if parent_site_id in managed or (parent_site_id is None and site_id in managed)
        )

    def switchable_plugin_site_ids(self, label: str) -> frozenset[int]:
        """Sites whose switch of plugin ``label`` the user may change and which have it on."""
        return self.switchable_site_ids & self.enabled_site_ids(label)
