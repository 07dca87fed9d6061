"""Admin: 群众留言 (the office's list: triage queue, overdue list, handling page) and
转办留言 (the handling units' queue)."""

from django.contrib.admin import SimpleListFilter
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.options import modeladmin_register

from cms.plugins.admin import (
    PluginModelAdmin,
    PluginModelAdminGroup,
    PluginPermissionHelper,
    SiteListFilter,
)

from . import admin_stats, admin_views, committee_admin  # noqa: F401  (委员联系代表: committee_admin.py)
from .groups_admin import GroupChatAdmin
from .models import OPEN_STATES, Message, MessageState


class QueueFilter(SimpleListFilter):
    """待分办 (the triage queue: addressed to no one, or handed back by a deputy) and 逾期."""

    title = _("队列")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("triage", _("待分办")), ("overdue", _("逾期未答复")), ("open", _("未答复"))]

    def queryset(self, request, queryset):
        if self.value() == "triage":
            return queryset.filter(state=MessageState.SCREENED, moderation_status="approved")
        if self.value() == "overdue":
            return queryset.filter(state__in=OPEN_STATES, due_on__lt=timezone.localdate())
        if self.value() == "open":
            return queryset.filter(state__in=OPEN_STATES)
        return queryset


class MessagePermissionHelper(PluginPermissionHelper):
    """A message changes only through its moves (处理, 转办留言): no generic edit form, which
    would set a state, a date, a rating or "solved" without a history line (and so
    without the statistics knowing)."""

    def user_can_edit_obj(self, user, obj):
        return False


class MessageAdmin(PluginModelAdmin):
    """Every message of the user's sites; 处理 opens the office's handling page."""

    model = Message
    permission_helper_class = MessagePermissionHelper
    menu_label = _("群众留言")
    menu_icon = "mail"
    list_display = ("title", "addressed_to", "state", "received_at", "due_on", "site", "handle")
    list_filter = (SiteListFilter, QueueFilter, "state", "addressed_to", "moderation_status")
    search_fields = ("title",)
    list_select_related = ("site",)
    list_per_page = 50
    inspect_view_enabled = False
    # The office's export: never the citizen (no author, no original text).
    list_export = ("title", "topic", "addressed_to", "station_name", "state", "received_at",
                   "delivered_at", "due_on", "answered_at", "answered_by_name", "rating",
                   "solved", "site")  # fmt: skip
    export_filename = "messages"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("text", "original_text", "answer")

    def get_ordering(self, request):
        """The newest first; the queues of unanswered messages by due date, the most
        urgent first (and from the (site, state, due_on) index, not the whole table)."""
        if request.GET.get("queue") in ("overdue", "open"):
            return ("due_on", "received_at", "pk")  # the open messages' partial index
        return ("-received_at",)

    def user_can_create(self):
        return False

    def handle(self, obj):
        return format_html('<a class="button button-small" href="{}">处理</a>',
                           admin_views.office_url(obj))  # fmt: skip

    handle.short_description = _("操作")


class StatsMenuItem(MenuItem):
    """留言统计: for those who read the messages of a site with the plugin on."""

    def is_shown(self, request):
        return admin_stats.can_see(request)


@modeladmin_register
class LiaisonAdminGroup(PluginModelAdminGroup):
    items = (MessageAdmin, GroupChatAdmin)

    def get_submenu_items(self):
        """群众留言, then 留言统计, then the group chats."""
        items = super().get_submenu_items()
        stats_item = StatsMenuItem(_("留言统计"), reverse("liaison_stats"), name="liaison-stats",
                                   icon_name="table", order=items[0].order + 1)  # fmt: skip
        for item in items[1:]:
            item.order += 1
        return [items[0], stats_item, *items[1:]]


class UnitQueueMenuItem(MenuItem):
    """转办留言: shown to the staff of a handling unit on a site with the plugin on."""

    def is_shown(self, request):
        return bool(admin_views.unit_site_ids(request.user))


@hooks.register("register_admin_menu_item")
def register_unit_queue_menu_item():
    return UnitQueueMenuItem(_("转办留言"), reverse("liaison_units"), icon_name="tasks",
                             order=515)  # fmt: skip


@hooks.register("register_admin_urls")
def register_urls():
    return admin_views.urls() + admin_stats.urls()
