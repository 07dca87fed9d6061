"""Admin integration of the site group: audit-log actions."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_log_actions")
def register_site_log_actions(actions):
    actions.register_action("lianxi.site_provisioned", _("创建站点"), _("创建站点"))
    actions.register_action("lianxi.site_updated", _("更新站点"), _("更新站点"))
