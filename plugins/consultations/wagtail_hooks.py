"""Admin: 立法征询 (consultations and calls, their comments and proposals)."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.options import modeladmin_register

from cms.plugins import site_access
from cms.plugins.admin import PluginModelAdmin, PluginModelAdminGroup, SiteListFilter

from . import admin_views
from .models import Comment, Consultation, Proposal


class ConsultationAdmin(PluginModelAdmin):
    """Consultations of the user's sites; 管理 opens the office's page (versions, decisions,
    report, export, statistics)."""

    model = Consultation
    menu_label = _("征求意见")
    menu_icon = "doc-full"
    list_display = ("title", "kind", "status", "opens_on", "closes_on", "site", "manage")
    list_filter = (SiteListFilter, "kind", "status")
    search_fields = ("title",)
    list_select_related = ("site",)
    form_fields_exclude = ("status", "report_published_at")

    def manage(self, obj):
        return format_html('<a class="button button-small" href="{}">管理</a>',
                           admin_views.manage_url(obj))  # fmt: skip

    manage.short_description = _("操作")


class CommentAdmin(PluginModelAdmin):
    """Every comment (held ones are decided in 待审核内容, the core's queue)."""

    model = Comment
    menu_label = _("意见")
    menu_icon = "comment"
    list_display = ("__str__", "consultation", "article", "as_deputy", "moderation_status",
                    "decision", "created_at")  # fmt: skip
    list_filter = (SiteListFilter, "moderation_status", "as_deputy")
    search_fields = ("text",)
    list_select_related = ("consultation", "article", "decision")
    inspect_view_enabled = True
    list_per_page = 50


class ProposalAdmin(PluginModelAdmin):
    model = Proposal
    menu_label = _("项目建议")
    menu_icon = "list-ul"
    list_display = ("title", "call", "proposer_type", "moderation_status", "outcome", "created_at")
    list_filter = (SiteListFilter, "moderation_status", "proposer_type", "outcome")
    search_fields = ("title",)
    list_select_related = ("call",)
    inspect_view_enabled = True


@modeladmin_register
class ConsultationsAdminGroup(PluginModelAdminGroup):
    items = (ConsultationAdmin, CommentAdmin, ProposalAdmin)


@hooks.register("register_admin_urls")
def register_urls():
    return admin_views.urls()


class NewFromWordMenuItem(MenuItem):
    """从 Word 新建: for the office of a site with the plugin on."""

    def is_shown(self, request):
        return request.user.has_perm("consultations.add_consultation") and bool(
            site_access(request).plugin_site_ids("consultations")
        )


@hooks.register("register_admin_menu_item")
def register_new_menu_item():
    return NewFromWordMenuItem(_("从 Word 新建征求意见"), reverse("consultations_new"),
                               icon_name="upload", order=520)  # fmt: skip
