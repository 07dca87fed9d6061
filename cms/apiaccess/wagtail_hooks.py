"""Admin: 设置 → 跨域来源, each site's CORS origins, edited by its staff.

API tokens have Wagtail's own screen (用户 → API tokens).
"""

from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.options import modeladmin_register

from cms.sitegroup.admin import SiteOwnedModelAdmin

from .models import SiteCorsOrigin


class SiteCorsOriginAdmin(SiteOwnedModelAdmin):
    model = SiteCorsOrigin
    menu_label = _("跨域来源")
    menu_icon = "link"
    menu_order = 910
    add_to_settings_menu = True
    list_display = ("origin", "site", "note")
    search_fields = ("origin", "note")


modeladmin_register(SiteCorsOriginAdmin)
