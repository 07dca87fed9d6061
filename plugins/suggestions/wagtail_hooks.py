"""Admin: 议案建议 (the office's intake list and handling page) and 承办件 (the units' queue)."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register

from cms.plugins.admin import PluginModelAdmin, PluginModelAdminGroup, SiteListFilter

from . import admin_stats, admin_views, office, publication_views
from .models import MotionRule, Suggestion


class SuggestionAdmin(PluginModelAdmin):
    """Every suggestion of the user's sites; 办理 opens the office's handling page."""

    model = Suggestion
    menu_label = _("议案建议")
    menu_icon = "clipboard-list"
    list_display = ("title", "deputy_name", "kind", "state", "assigned_on", "site", "handle")
    list_filter = (SiteListFilter, "state", "kind", "period", "moderation_status")
    search_fields = ("title", "deputy_name")
    # The board of a province's session holds thousands: one query for the page's sites.
    list_select_related = ("site",)
    list_per_page = 50
    edit_handler = ObjectList([
        FieldPanel("category"), FieldPanel("period"), FieldPanel("session"), FieldPanel("number"),
    ])  # fmt: skip

    def get_queryset(self, request):
        # The list shows none of the long texts: a session's board sorts thousands of rows.
        return super().get_queryset(request).defer("text", "reply_text", "fingerprint")

    def index_view(self, request):
        """The list is the office's board: state and clock, filters, bulk actions, export."""
        return office.board_view(request, self)

    def create_view(self, request):
        """Adding one is entering a paper submission on a deputy's behalf."""
        return admin_views.paper_view(request)

    def handle(self, obj):
        return format_html('<a class="button button-small" href="{}">办理</a>',
                           admin_views.office_url(obj))  # fmt: skip

    handle.short_description = _("操作")


@modeladmin_register
class SuggestionsAdminGroup(PluginModelAdminGroup):
    items = (SuggestionAdmin,)


@modeladmin_register
class MotionRuleAdmin(ModelAdmin):
    """设置 → 议案联名人数: the minimum signers of a motion per congress level (a level
    without a row needs 10). Province-wide: only those who may change it see it."""

    model = MotionRule
    menu_label = _("议案联名人数")
    menu_icon = "group"
    menu_order = 906
    add_to_settings_menu = True
    list_display = ("level", "signers")


class QueueMenuItem(MenuItem):
    """承办件: shown to the staff of a handling unit on a site with the plugin on."""

    def is_shown(self, request):
        return bool(admin_views.unit_site_ids(request.user))


@hooks.register("register_admin_menu_item")
def register_queue_menu_item():
    return QueueMenuItem(_("承办件"), reverse("suggestions_queue"), icon_name="tasks",
                         order=510)  # fmt: skip


class StatsMenuItem(MenuItem):
    """议案建议统计: the office's figures, for users who see the suggestions of a site."""

    def is_shown(self, request):
        return admin_stats.can_see(request)


@hooks.register("register_admin_menu_item")
def register_stats_menu_item():
    return StatsMenuItem(_("议案建议统计"), reverse("suggestions_stats"), icon_name="table",
                         order=512)  # fmt: skip


@hooks.register("register_admin_urls")
def register_urls():
    return admin_views.urls() + admin_stats.urls() + office.urls()


class PublicationMenuItem(MenuItem):
    """答复公开: the office's redaction and publication step (sites with the plugin on)."""

    def is_shown(self, request):
        return publication_views.can_see_menu(request)


@hooks.register("register_admin_menu_item")
def register_publication_menu_item():
    return PublicationMenuItem(_("答复公开"), reverse("suggestions_publications"),
                               icon_name="doc-full", order=511)  # fmt: skip


@hooks.register("register_admin_urls")
def register_publication_urls():
    return publication_views.urls()
