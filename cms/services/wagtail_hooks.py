"""Admin of the shared services: the holiday calendar, and audit-log action names."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register

from .audit import registered_actions
from .models import CalendarDay


@modeladmin_register
class CalendarDayAdmin(ModelAdmin):
    """设置 → 节假日与调休: add each next year's holidays and make-up working days."""

    model = CalendarDay
    menu_label = _("节假日与调休")
    menu_icon = "date"
    add_to_settings_menu = True
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    search_fields = ("name",)


@hooks.register("register_log_actions")
def register_audit_actions(actions):
    for action, (label, message) in registered_actions().items():
        actions.register_action(action, label, message)
