"""Admin: 知情知政 (resources, their categories, and the reads)."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.options import modeladmin_register

from cms.plugins import site_access
from cms.plugins.admin import PluginModelAdmin, PluginModelAdminGroup, SiteListFilter

from . import admin_views
from .models import Category, Resource


class ResourceCreateView(PluginModelAdmin.create_view_class):
    """A new item records who created it and opens its 管理 page (audience, files)."""

    def form_valid(self, form):
        form.instance.created_by = self.request.user
        return super().form_valid(form)

    def get_success_url(self):
        return admin_views.manage_url(self.instance)


class ResourceAdmin(PluginModelAdmin):
    """The items of the user's sites; 管理 opens the audience, files, publication and reads."""

    model = Resource
    menu_label = _("材料")
    menu_icon = "doc-full"
    list_display = ("title", "kind", "issuer", "status", "published_at", "expires_on", "site",
                    "manage")  # fmt: skip
    list_filter = (SiteListFilter, "kind", "issuer", "status")
    search_fields = ("title", "number", "issuing_body")
    list_select_related = ("site",)
    create_view_class = ResourceCreateView

    def manage(self, obj):
        return format_html('<a class="button button-small" href="{}">管理</a>',
                           admin_views.manage_url(obj))  # fmt: skip

    manage.short_description = _("操作")


class CategoryAdmin(PluginModelAdmin):
    model = Category
    menu_label = _("分类")
    menu_icon = "folder-inverse"
    list_display = ("name", "order", "site")
    list_filter = (SiteListFilter,)


@modeladmin_register
class ResourcesAdminGroup(PluginModelAdminGroup):
    items = (ResourceAdmin, CategoryAdmin)
    menu_icon = "doc-full-inverse"


@hooks.register("register_admin_urls")
def register_urls():
    return admin_views.urls()


class ReadsMenuItem(MenuItem):
    """阅读情况: for whoever may see the resources of a site with the plugin on."""

    def is_shown(self, request):
        return request.user.has_perm("resources.view_resource") and bool(
            site_access(request).plugin_site_ids("resources")
        )


@hooks.register("register_admin_menu_item")
def register_reads_menu_item():
    return ReadsMenuItem(_("知情知政阅读情况"), reverse("resources_reads"), icon_name="table",
                         order=530)  # fmt: skip
