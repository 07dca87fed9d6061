"""Site-scoped admin screens: the base every core and plugin ``ModelAdmin`` uses.

Wagtail does not separate the sites of one instance (wagtail#4288, #3030);
``SiteOwnedModelAdmin`` does it for wagtail-modeladmin screens. Declare a
plugin's screen like this::

    from cms.sitegroup.admin import SiteOwnedModelAdmin

    class ConsultationAdmin(SiteOwnedModelAdmin):
        model = Consultation              # subclasses SiteOwnedModel (FK ``site``)
        menu_label = _("法规草案征求意见")
        list_display = ("title", "site", "opens_at")
        list_filter = (SiteListFilter, "status")   # optional: the user's sites only

    # in the plugin's wagtail_hooks.py: modeladmin_register(...) or a ModelAdminGroup

What it guarantees, for every user who is not a superuser:

* **Listing and export** show only rows the user holds, as the one site-access
  policy says (``cms.sitegroup.access.site_access``: the sites whose home page
  lies at or below a page the user's groups have Wagtail page permissions on;
  a city's staff see their counties once ``grant_descendant_access`` ran, the
  province's staff see every site once granted on the tree root; township staff
  see their township's rows of models that declare ``township_field``).
* **Edit, delete, inspect and history** of a row outside those sites answer
  404 (the row is not revealed to exist); the buttons for them never render.
* **Create and edit forms** offer only the user's sites in the ``site``
  field; posting another site's id is a field error. A user with exactly one
  site gets it preselected, and if the screen's panels leave ``site`` out the
  row is attached to that site automatically.
* **Global rows.** For models whose ``site`` FK is nullable (``null`` means
  "shared by the whole group"), set ``include_global = True`` to list and
  inspect them read-only; only superusers edit, delete or create them
  (the ``site`` field is required for everyone else).

Which *actions* a user has is still decided by Django model permissions
(``app.add_model``, ``change``, ``delete``, ``view``), exactly as in plain
wagtail-modeladmin; this class only decides *which rows*. Grant a plugin's
model permissions to the site staff groups (``profile.editors_group`` and the
two reviewer groups) from a ``cms.sitegroup.signals.site_provisioned``
receiver, so every new site gets them.

Attributes a subclass may set:

``site_field``       name of the FK to ``wagtailcore.Site`` (default ``"site"``)
``include_global``   list rows with an empty site, read-only (default ``False``)

Override ``*_view_class`` only with subclasses of the ``Site*View`` classes
below, or the instance check is lost.
"""

from __future__ import annotations

from django.contrib.admin import SimpleListFilter
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.models import Site
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import (
    CreateView,
    DeleteView,
    EditView,
    HistoryView,
    IndexView,
    InspectView,
)

from cms.services.spreadsheets import SafeSpreadsheetExportMixin

from .access import site_access
from .models import SiteProfile
from .provisioning import SiteSpec, provision_site
from .views import CreateSiteView


def site_label(site: Site) -> str:
    profile = getattr(site, "profile", None)
    if profile is not None:
        return f"{profile.name}({profile.division_code})"
    return site.site_name or site.hostname


class SitePermissionHelper(PermissionHelper):
    """Model permissions (which actions) AND the row's site (which rows)."""

    site_field = "site"
    include_global = False

    def _site_id(self, obj):
        return getattr(obj, f"{self.site_field}_id", None)

    def user_can_see_obj(self, user, obj) -> bool:
        site_id = self._site_id(obj)
        if site_id is None:
            return self.include_global or site_access(user).is_superuser
        return site_access(user).holds(obj, self.site_field)

    def user_can_change_obj(self, user, obj) -> bool:
        """Writable rows: the user's own; global rows only for superusers."""
        if self._site_id(obj) is None:
            return site_access(user).is_superuser
        return site_access(user).holds(obj, self.site_field)

    def _holds_any(self, user) -> bool:
        access = site_access(user)
        return access.is_superuser or bool(access.record_site_ids)

    def user_can_list(self, user):
        return super().user_can_list(user) and self._holds_any(user)

    def user_can_create(self, user):
        return super().user_can_create(user) and self._holds_any(user)

    def user_can_inspect_obj(self, user, obj):
        return super().user_can_inspect_obj(user, obj) and self.user_can_see_obj(user, obj)

    def user_can_edit_obj(self, user, obj):
        return super().user_can_edit_obj(user, obj) and self.user_can_change_obj(user, obj)

    def user_can_delete_obj(self, user, obj):
        return super().user_can_delete_obj(user, obj) and self.user_can_change_obj(user, obj)


class SiteListFilter(SimpleListFilter):
    """List filter by site, offering only the sites the user may see."""

    title = _("所属站点")
    parameter_name = "site"

    def lookups(self, request, model_admin):
        return [(str(s.pk), site_label(s)) for s in site_access(request).record_sites()]

    def queryset(self, request, queryset):
        if self.value():
            field = getattr(getattr(self, "model_admin", None), "site_field", "site")
            return queryset.filter(**{f"{field}_id": self.value()})
        return queryset

    def __init__(self, request, params, model, model_admin):
        self.model_admin = model_admin
        super().__init__(request, params, model, model_admin)


class SiteInstanceMixin:
    """Instance views: a row outside the user's queryset is a 404, never shown."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            self.model_admin.get_queryset(request).filter(pk=self.instance.pk).exists()
        ):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class SiteFormMixin:
    """Create/edit forms: the ``site`` field offers only the user's sites."""

    def get_form(self):
        form = super().get_form()
        field_name = self.model_admin.site_field
        field = form.fields.get(field_name)
        user = self.request.user
        if field is not None:
            sites = site_access(user).record_sites()
            field.queryset = sites
            field.label_from_instance = site_label
            if not user.is_superuser:
                field.required = True
                field.empty_label = None if len(sites) == 1 else field.empty_label
                if self.model_admin.include_global:
                    # The model's help says "empty: the whole group", which only
                    # superusers may choose; say what this user can do instead.
                    field.help_text = _("选择您负责的站点。全网站群通用的条目由系统管理员维护。")
                if not form.is_bound and not getattr(form.instance, f"{field_name}_id", None):
                    only = list(sites[:2])
                    if len(only) == 1:
                        form.initial[field_name] = only[0].pk
        return form

    def get_instance(self):
        instance = super().get_instance()
        field_name = self.model_admin.site_field
        if instance.pk is None and getattr(instance, f"{field_name}_id", None) is None:
            access = site_access(self.request)
            if not access.is_superuser and len(access.record_site_ids) == 1:
                (only,) = access.record_site_ids
                setattr(instance, f"{field_name}_id", only)
        self.instance = instance
        return instance


class SiteIndexView(SafeSpreadsheetExportMixin, IndexView):
    """Its XLSX/CSV exports write formula-like text as text (cms.services.spreadsheets)."""


class SiteCreateView(SiteFormMixin, CreateView):
    pass


class SiteEditView(SiteInstanceMixin, SiteFormMixin, EditView):
    pass


class SiteInspectView(SiteInstanceMixin, InspectView):
    pass


class SiteDeleteView(SiteInstanceMixin, DeleteView):
    pass


class SiteHistoryView(SiteInstanceMixin, HistoryView):
    pass


class SiteOwnedModelAdmin(ModelAdmin):
    """A wagtail-modeladmin ``ModelAdmin`` that scopes rows to the user's sites.

    See the module docstring for what it guarantees and how to use it.
    """

    site_field = "site"
    include_global = False
    permission_helper_class = SitePermissionHelper

    index_view_class = SiteIndexView
    create_view_class = SiteCreateView
    edit_view_class = SiteEditView
    inspect_view_class = SiteInspectView
    delete_view_class = SiteDeleteView
    history_view_class = SiteHistoryView

    def __init__(self, parent=None):
        super().__init__(parent)
        helper = self.permission_helper
        if isinstance(helper, SitePermissionHelper):
            helper.site_field = self.site_field
            helper.include_global = self.include_global

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        access = site_access(request)
        if access.is_superuser:
            return qs
        if self.site_field == "site" and not self.include_global and hasattr(qs, "for_user"):
            return qs.for_user(request.user)  # the model's own rule (e.g. seated people)
        condition = access.records_q(self.model, self.site_field)
        if self.include_global:
            condition |= Q(**{f"{self.site_field}__isnull": True})
        return qs.filter(condition)


# --- The site group's own screen ---------------------------------------------


class SiteProfilePermissionHelper(SitePermissionHelper):
    """Which profiles: those ``site_access(user).can_configure`` (every site for the
    system administrator, who has no page rights). Sites are never deleted from the
    admin (their pages and records hang off them)."""

    def _holds_any(self, user) -> bool:
        return site_access(user).manages_site_group or super()._holds_any(user)

    def user_can_see_obj(self, user, obj) -> bool:
        return site_access(user).can_configure(obj)

    def user_can_change_obj(self, user, obj) -> bool:
        return site_access(user).can_configure(obj)

    def user_can_delete_obj(self, user, obj):
        return False


class SiteProfileEditView(SiteEditView):
    """Saving names re-runs provisioning so the home page and collection follow."""

    def form_valid(self, form):
        response = super().form_valid(form)
        profile = self.instance
        provision_site(
            SiteSpec(
                division_code=profile.division_code,
                name=profile.name,
                region_name=profile.region_name,
                short_name=profile.short_name,
                english_name=profile.english_name,
                parent_code=profile.parent.division_code if profile.parent_id else None,
            )
        )
        return response


class SiteProfileAdmin(SiteOwnedModelAdmin):
    """网站群: the list of sites, and "新建站点" which provisions a whole site.

    Visible to superusers and to users given ``sitegroup.*_siteprofile``
    permissions; creating needs ``sitegroup.add_siteprofile``. Which rows:
    ``site_access(user).configurable_profiles()``: every site for the system
    administrator (``sitegroup.manage_site_group``), else the sites one manages.
    """

    model = SiteProfile
    menu_label = _("网站群")
    menu_icon = "site"
    menu_order = 850
    permission_helper_class = SiteProfilePermissionHelper
    list_display = ("division_code", "level", "parent", "name", "short_name")
    list_filter = ("level",)
    search_fields = ("division_code", "name", "region_name", "short_name")
    list_select_related = ("parent",)
    ordering = ("division_code",)
    inspect_view_enabled = True
    inspect_view_fields = (
        "division_code",
        "level",
        "parent",
        "name",
        "region_name",
        "short_name",
        "english_name",
        "site",
        "collection",
        "editors_group",
        "first_reviewers_group",
        "final_reviewers_group",
        "created_at",
    )
    edit_view_class = SiteProfileEditView
    create_view_class = CreateSiteView

    def get_queryset(self, request):
        access = site_access(request)
        if access.manages_site_group:
            return ModelAdmin.get_queryset(self, request)
        return super().get_queryset(request)

    def get_edit_handler(self):
        return ObjectList(
            [
                FieldPanel("name"),
                FieldPanel("region_name"),
                FieldPanel("short_name"),
                FieldPanel("english_name"),
            ]
        )
