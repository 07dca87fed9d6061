from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "cms.dashboard"
    label = "dashboard"
    verbose_name = _("工作台")
