"""Admin: 学习培训 (courses, offline classes, and the coverage per term)."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail_modeladmin.options import modeladmin_register

from cms.plugins import site_access
from cms.plugins.admin import PluginModelAdmin, PluginModelAdminGroup, SiteListFilter

from . import admin_views
from .models import Course, OfflineClass


class CourseCreateView(PluginModelAdmin.create_view_class):
    """A new course records who created it and opens its 管理 page (audience, lessons)."""

    def form_valid(self, form):
        form.instance.created_by = self.request.user
        return super().form_valid(form)

    def get_success_url(self):
        return admin_views.course_url(self.instance)


class CourseAdmin(PluginModelAdmin):
    """The courses of the user's sites; 管理 opens audience, lessons, quiz and learners."""

    model = Course
    menu_label = _("课程")
    menu_icon = "doc-full"
    list_display = ("title", "kind", "mode", "hours", "published", "published_at", "site",
                    "manage")  # fmt: skip
    list_filter = (SiteListFilter, "kind", "mode", "published")
    search_fields = ("title", "speaker")
    list_select_related = ("site",)
    create_view_class = CourseCreateView

    def manage(self, obj):
        return format_html('<a class="button button-small" href="{}">管理</a>',
                           admin_views.course_url(obj))  # fmt: skip

    manage.short_description = _("操作")


class ClassCreateView(PluginModelAdmin.create_view_class):
    def get_success_url(self):
        return admin_views.class_url(self.instance)


class OfflineClassAdmin(PluginModelAdmin):
    model = OfflineClass
    menu_label = _("线下培训班")
    menu_icon = "group"
    list_display = ("title", "starts_at", "place", "capacity", "published", "site", "manage")
    list_filter = (SiteListFilter, "published")
    search_fields = ("title", "place")
    list_select_related = ("site",)
    create_view_class = ClassCreateView

    def manage(self, obj):
        return format_html('<a class="button button-small" href="{}">管理</a>',
                           admin_views.class_url(obj))  # fmt: skip

    manage.short_description = _("操作")


@modeladmin_register
class TrainingAdminGroup(PluginModelAdminGroup):
    items = (CourseAdmin, OfflineClassAdmin)
    menu_icon = "doc-full-inverse"


@hooks.register("register_admin_urls")
def register_urls():
    return admin_views.urls()


class CoverageMenuItem(MenuItem):
    """培训覆盖情况: for whoever may see the courses of a site with the plugin on."""

    def is_shown(self, request):
        return request.user.has_perm("training.view_course") and bool(
            site_access(request).plugin_site_ids("training")
        )


@hooks.register("register_admin_menu_item")
def register_coverage_menu_item():
    return CoverageMenuItem(_("培训覆盖情况"), reverse("training_coverage"), icon_name="table",
                            order=540)  # fmt: skip
