"""Admin screens of the deputies plugin: one menu group "代表履职", site-isolated.

Every screen is a ``PluginModelAdmin``: staff list and edit the rows of the
sites they manage that have the plugin on. Two refinements on top:

* **People** are shared between congresses: a county's staff manage the people
  their site registered *and* those seated in their congresses
  (``forms.people_for``). Deleting a person removes every seat, so only staff
  who manage all of that person's seats may delete them.
* **Derived rows** (term, membership, post, …) take their ``site`` from their
  congress, term or station on save; their forms do not show it, and every
  choice of a related record is limited to the user's sites (the core's
  ``PluginModelForm``, every plugin screen's default form).

The private fields (ID number, mobile, address) appear only in the person's
edit form (the ID number masked); lists, inspect views and spreadsheet exports
name public fields only, and Wagtail's log entries store the person's name.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin import SimpleListFilter
from django.db.models import Prefetch, Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView, ChosenView
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail_modeladmin.helpers.search import DjangoORMSearchHandler
from wagtail_modeladmin.options import modeladmin_register

from cms.plugins import site_access
from cms.plugins.admin import (
    PluginModelAdmin,
    PluginModelAdminGroup,
    PluginPermissionHelper,
    SiteListFilter,
)

from . import admin_accounts, admin_import  # noqa: F401  (register their admin URLs)
from . import models as m
from .forms import CongressForm, LiaisonStationForm, PersonForm
from .pinyin import normalise_query


def people_for(user):
    """The people a user manages: registered by, or seated in a congress of, the sites
    they hold that have the plugin on."""
    enabled = site_access(user).enabled_site_ids("deputies")
    return m.Person.objects.for_user(user).for_sites(enabled)


def _form(*panels, base=None) -> ObjectList:
    return ObjectList(
        [FieldPanel(p) if isinstance(p, str) else p for p in panels], base_form_class=base
    )


def site_name(obj) -> str:
    """The owning site's name rather than its host name."""
    profile = getattr(obj.site, "profile", None)
    return profile.name if profile is not None else str(obj.site)


site_name.short_description = _("所属站点")


def choice_label(field: str, label):
    """A ``ModelAdmin`` column with a choice's label: exports otherwise write the raw value."""

    def display(model_admin, obj) -> str:
        return getattr(obj, f"get_{field}_display")()

    display.short_description = label
    display.__name__ = f"{field}_label"
    return display


def person_birth_month(person) -> str:
    return f"{person.birth_date:%Y-%m}" if person.birth_date else ""


class DeputiesAdmin(PluginModelAdmin):
    """Shared defaults: the site by name, 50 rows a page."""

    site_name = staticmethod(site_name)
    list_per_page = 50


# --- People -------------------------------------------------------------------


class PersonSearchHandler(DjangoORMSearchHandler):
    """Chinese characters match the name; letters match the start of any pinyin reading
    of it, in full or by initials ("zhang wei", "zhangw", "zw" all find 张伟)."""

    def search_queryset(self, queryset, search_term, **kwargs):
        term = (search_term or "").strip()
        if not term:
            return queryset
        letters = normalise_query(term)
        if letters and letters == term.lower().replace(" ", ""):
            # pinyin_keys: the readings, space separated.
            return queryset.filter(
                Q(pinyin_keys__istartswith=letters) | Q(pinyin_keys__icontains=f" {letters}")
            )
        return queryset.filter(name__icontains=term)


class LevelFilter(SimpleListFilter):
    """People by the level of a congress they sit in."""

    title = _("代表层级")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return m.Level.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(memberships__congress__level=self.value()).distinct()
        return queryset


class PersonPermissionHelper(PluginPermissionHelper):
    """People the user's sites registered or seated; deleting needs every seat to be theirs."""

    def _seat_sites(self, obj) -> set[int]:
        # Listed people come with their seats prefetched (PersonAdmin.get_queryset).
        return {seat.site_id for seat in obj.memberships.all()}

    def user_can_see_obj(self, user, obj) -> bool:
        sites = self._enabled_for(user)
        return obj.site_id in sites or bool(self._seat_sites(obj) & sites)

    user_can_change_obj = user_can_see_obj

    def user_can_delete_obj(self, user, obj):
        sites = self._enabled_for(user)
        return (
            self.user_has_specific_permission(user, self.get_perm_codename("delete"))
            and obj.site_id in sites
            and self._seat_sites(obj) <= sites
        )


class PersonInspectView(PluginModelAdmin.inspect_view_class):
    """The public profile, and every seat the person holds or held."""

    def get_fields_dict(self):
        seats = self.instance.memberships.select_related("term__congress")
        return [
            *super().get_fields_dict(),
            {"label": _("代表资格"), "value": "；".join(str(seat.term) for seat in seats) or "-"},
        ]


class PersonAdmin(DeputiesAdmin):
    model = m.Person
    menu_label = _("代表")
    menu_icon = "user"
    permission_helper_class = PersonPermissionHelper
    list_display = ("name", "gender_label", "party_label", "current_seats", "site_name")
    list_filter = (LevelFilter, "gender", "party", SiteListFilter)
    search_fields = ("name", "name_pinyin", "name_initials")
    search_handler_class = PersonSearchHandler
    list_export = (
        "name",
        "gender_label",
        "ethnicity",
        "birth_month",
        "party_label",
        "education_label",
        "occupation",
        "occupation_category_label",
        "title",
        "current_seats",
        "site_name",
    )
    export_filename = "deputies"
    inspect_view_enabled = True
    inspect_view_fields = (
        "name",
        "gender",
        "ethnicity",
        "birth_date",
        "party",
        "education",
        "occupation",
        "occupation_category",
        "title",
        "photo",
        "biography",
        "site",
    )
    inspect_view_class = PersonInspectView
    edit_handler = _form(
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("name"), FieldPanel("gender"), FieldPanel("ethnicity")]),
                FieldRowPanel([FieldPanel("birth_date"), FieldPanel("party")]),
                FieldRowPanel([FieldPanel("education"), FieldPanel("occupation_category")]),
                FieldPanel("occupation"),
                FieldPanel("title"),
                FieldPanel("photo"),
                FieldPanel("biography"),
                FieldPanel("site"),
            ],
            heading=_("公开信息"),
        ),
        MultiFieldPanel(
            [FieldPanel("id_number"), FieldPanel("mobile"), FieldPanel("address")],
            heading=_("不公开信息（加密保存，不对外显示）"),
        ),
        base=PersonForm,
    )

    def get_queryset(self, request):
        seats = m.Membership.objects.select_related("term__congress")
        return (
            people_for(request.user)
            .select_related("site__profile")
            .prefetch_related(Prefetch("memberships", queryset=seats))
        )

    gender_label = choice_label("gender", _("性别"))
    party_label = choice_label("party", _("政治面貌"))
    education_label = choice_label("education", _("学历"))
    occupation_category_label = choice_label("occupation_category", _("职业构成类别"))

    def birth_month(self, obj):
        return person_birth_month(obj)

    def current_seats(self, obj):
        return "、".join(
            f"{seat.term.congress.name}{seat.term.ordinal}"
            for seat in obj.memberships.all()
            if seat.is_current
        )

    birth_month.short_description = _("出生年月")
    current_seats.short_description = _("现任代表职务")


class _PersonSearchForm(BaseFilterForm):
    """Search the chooser by name or pinyin, as the list does."""

    q = forms.CharField(
        label=_("姓名或拼音"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("姓名或拼音")}),
    )

    def filter(self, objects):
        term = (self.cleaned_data.get("q") or "").strip()
        if term:
            self.is_searching = True
            self.search_query = term
            objects = PersonSearchHandler([]).search_queryset(objects, term)
        return objects


class _PersonChooserMixin:
    def get_object_list(self):
        return people_for(self.request.user).select_related("site__profile")

    @property
    def title_column(self):
        column = super().title_column
        column.label = _("姓名")
        return column

    @property
    def columns(self):
        return [
            *super().columns,
            Column("gender", label=_("性别"), accessor="get_gender_display"),
            Column("birth", label=_("出生年月"), accessor=person_birth_month),
            Column("occupation", label=_("工作单位及职务")),
            Column("site", label=_("登记单位"), accessor=site_name),
        ]


class PersonChooseView(_PersonChooserMixin, ChooseView):
    filter_form_class = _PersonSearchForm


class PersonChooseResultsView(_PersonChooserMixin, ChooseResultsView):
    filter_form_class = _PersonSearchForm


class PersonChosenView(ChosenView):
    def get_object(self, pk):
        return people_for(self.request.user).get(pk=pk)


class PersonChooserViewSet(ChooserViewSet):
    """A searchable person chooser for membership and post forms (there may be 100,000 people)."""

    model = m.Person
    icon = "user"
    choose_one_text = _("选择代表")
    choose_another_text = _("另选代表")
    choose_view_class = PersonChooseView
    choose_results_view_class = PersonChooseResultsView
    chosen_view_class = PersonChosenView
    per_page = 20


person_chooser_viewset = PersonChooserViewSet("deputies_person_chooser")


@hooks.register("register_admin_viewset")
def register_person_chooser():
    return person_chooser_viewset


# --- Seats, posts and the performance record -----------------------------------


class MembershipAdmin(DeputiesAdmin):
    model = m.Membership
    menu_label = _("代表资格")
    menu_icon = "group"
    list_display = ("person", "term", "delegation", "constituency", "election", "start_date",
                    "end_date", "site_name")  # fmt: skip
    list_filter = ("election", "end_reason", SiteListFilter)
    list_select_related = ("person", "term__congress", "delegation", "deputy_group",
                           "constituency", "site__profile")  # fmt: skip
    search_fields = ("person__name", "person__name_pinyin", "person__name_initials")
    list_export = ("person", "term", "delegation", "deputy_group", "constituency",
                   "election_label", "start_date", "end_date", "end_reason_label")  # fmt: skip
    export_filename = "deputy-memberships"
    election_label = choice_label("election", _("选举方式"))
    end_reason_label = choice_label("end_reason", _("终止原因"))
    edit_handler = _form(
        "person",
        "term",
        FieldRowPanel([FieldPanel("delegation"), FieldPanel("deputy_group")]),
        "constituency",
        "election",
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        "end_reason",
    )


class PerformancePermissionHelper(PluginPermissionHelper):
    """Entries other plugins wrote belong to them: read-only here."""

    def user_can_edit_obj(self, user, obj):
        return obj.source == "deputies" and super().user_can_edit_obj(user, obj)

    def user_can_delete_obj(self, user, obj):
        return obj.source == "deputies" and super().user_can_delete_obj(user, obj)


class PerformanceEntryAdmin(DeputiesAdmin):
    model = m.PerformanceEntry
    menu_label = _("履职记录")
    menu_icon = "list-ul"
    permission_helper_class = PerformancePermissionHelper
    list_display = ("membership", "kind", "date", "title", "quantity", "source", "site_name")
    list_filter = ("kind", "source", SiteListFilter)
    list_select_related = ("membership__person", "membership__term__congress", "site__profile")
    search_fields = ("title", "membership__person__name", "membership__person__name_pinyin")
    list_export = ("membership", "kind_label", "date", "title", "quantity", "source", "url")
    export_filename = "deputy-performance"
    kind_label = choice_label("kind", _("类别"))
    inspect_view_enabled = True
    inspect_view_fields = ("membership", "kind", "date", "title", "quantity", "source", "url")
    edit_handler = _form(
        "membership", "kind", FieldRowPanel([FieldPanel("date"), FieldPanel("quantity")]),
        "title", "url",
    )  # fmt: skip


# --- Stations and receptions ------------------------------------------------------


class LiaisonStationAdmin(DeputiesAdmin):
    model = m.LiaisonStation
    menu_label = _("联络站")
    menu_icon = "home"
    list_display = ("name", "kind", "congress", "address", "phone", "is_public", "site_name")
    list_filter = ("kind", "is_public", SiteListFilter)
    list_select_related = ("congress", "site__profile")
    search_fields = ("name", "address", "division_code")
    edit_handler = _form(
        "site", "congress", "name", "kind", "division_code", "address",
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
        "phone", "opening_hours", "reception_weekdays", "description", "deputies", "is_public",
        base=LiaisonStationForm,
    )  # fmt: skip


class ReceptionAdmin(DeputiesAdmin):
    model = m.Reception
    menu_label = _("接待安排")
    menu_icon = "date"
    list_display = ("station", "date", "start_time", "end_time", "topic", "site_name")
    list_filter = (SiteListFilter,)
    list_select_related = ("station", "site__profile")
    search_fields = ("station__name", "topic")
    edit_handler = _form(
        "station",
        FieldRowPanel([FieldPanel("date"), FieldPanel("start_time"), FieldPanel("end_time")]),
        "topic",
        "deputies",
    )


# --- The congresses and their structure (set up once per term) -----------------------


class CongressAdmin(DeputiesAdmin):
    model = m.Congress
    menu_label = _("人民代表大会")
    menu_icon = "site"
    list_display = ("name", "level", "division_code", "site_name")
    list_filter = ("level", SiteListFilter)
    list_select_related = ("site__profile",)
    search_fields = ("name", "division_code")
    edit_handler = _form(
        "site", "name", "level", "division_code", "founding_date", base=CongressForm
    )


class TermAdmin(DeputiesAdmin):
    model = m.Term
    menu_label = _("届次")
    menu_icon = "calendar"
    list_display = ("__str__", "start_date", "end_date", "site_name")
    list_filter = (SiteListFilter,)
    list_select_related = ("congress", "site__profile")
    search_fields = ("congress__name",)
    edit_handler = _form("congress", "number", "start_date", "end_date")


class _TermPartAdmin(DeputiesAdmin):
    list_display = ("name", "term", "site_name")
    list_filter = (SiteListFilter,)
    list_select_related = ("term__congress", "site__profile")
    search_fields = ("name",)
    edit_handler = _form("term", "name")


class DelegationAdmin(_TermPartAdmin):
    model = m.Delegation
    menu_label = _("代表团")
    menu_icon = "group"


class DeputyGroupAdmin(_TermPartAdmin):
    model = m.DeputyGroup
    menu_label = _("代表小组")
    menu_icon = "group"
    edit_handler = _form("term", "name", "station")


class ConstituencyAdmin(_TermPartAdmin):
    model = m.Constituency
    menu_label = _("选区")
    menu_icon = "pick"
    list_display = ("name", "kind", "code", "term", "site_name")
    edit_handler = _form("term", "name", "kind", "code", "area")


class PostAdmin(DeputiesAdmin):
    model = m.Post
    menu_label = _("职务")
    menu_icon = "tag"
    list_display = ("__str__", "term", "site_name")
    list_filter = ("role", SiteListFilter)
    list_select_related = ("term__congress", "site__profile")
    search_fields = ("body",)
    edit_handler = _form("term", "body", "role")


class PostHoldingAdmin(DeputiesAdmin):
    model = m.PostHolding
    menu_label = _("任职")
    menu_icon = "tag"
    list_display = ("person", "post", "start_date", "end_date", "site_name")
    list_filter = (SiteListFilter,)
    list_select_related = ("person", "post__term__congress", "site__profile")
    search_fields = ("person__name", "person__name_pinyin", "post__body")
    edit_handler = _form(
        "person", "post", FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")])
    )


# --- The menu ---------------------------------------------------------------------


class ImportMenuItem(MenuItem):
    """导入与导出: for staff who may add people on a site with the plugin on."""

    def __init__(self, url, order, person_admin):
        super().__init__(_("导入与导出"), url, name="deputies-import", icon_name="download",
                         order=order)  # fmt: skip
        self.person_admin = person_admin

    def is_shown(self, request):
        return self.person_admin.permission_helper.user_can_create(request.user)


class AccountsMenuItem(ImportMenuItem):
    """代表账号: for the same staff, who may also change people (开通账号)."""

    def __init__(self, url, order, person_admin):
        MenuItem.__init__(self, _("代表账号"), url, name="deputies-accounts", icon_name="user",
                          order=order)  # fmt: skip
        self.person_admin = person_admin

    def is_shown(self, request):
        return super().is_shown(request) and request.user.has_perm("deputies.change_person")


#: Menu order: the daily work first, then the import, then the set-up of each term.
DAILY = (PersonAdmin, MembershipAdmin, PerformanceEntryAdmin, LiaisonStationAdmin, ReceptionAdmin)
STRUCTURE = (CongressAdmin, TermAdmin, DelegationAdmin, DeputyGroupAdmin, ConstituencyAdmin,
             PostAdmin, PostHoldingAdmin)  # fmt: skip


@modeladmin_register
class DeputiesAdminGroup(PluginModelAdminGroup):
    menu_label = _("代表履职")
    menu_icon = "group"
    items = DAILY + STRUCTURE

    def get_submenu_items(self):
        items = super().get_submenu_items()
        try:
            url = reverse("deputies_import")
        except NoReverseMatch:  # the import screen is not installed
            return items
        person_admin = self.modeladmin_instances[0]
        import_item = ImportMenuItem(url, len(DAILY) + 1, person_admin)
        accounts_item = AccountsMenuItem(reverse("deputies_accounts"), len(DAILY) + 2, person_admin)
        for item in items[len(DAILY) :]:
            item.order += 2
        return [*items[: len(DAILY)], import_item, accounts_item, *items[len(DAILY) :]]
