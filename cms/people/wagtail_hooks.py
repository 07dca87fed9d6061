"""设置 → 工作人员: each account's name and unit (superusers, or anyone given the model permissions)."""

from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register

from .models import StaffProfile


@modeladmin_register
class StaffProfileAdmin(ModelAdmin):
    model = StaffProfile
    menu_label = _("工作人员姓名与单位")
    menu_icon = "user"
    add_to_settings_menu = True
    menu_order = 610
    list_display = ("name", "unit", "user")
    search_fields = ("name", "unit", "user__username")
    list_select_related = ("user",)
