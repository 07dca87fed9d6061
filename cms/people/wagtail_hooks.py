"""Admin integration of staff accounts' people.

* each account's name and unit are edited in Wagtail's own user forms
  (设置 → 用户, ``cms.people.views``);
* the 较早的页面 report (aging pages) names who published last as "姓名(单位)", or 系统.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.reports.aging_pages import AgingPagesView

from .models import display_name

# --- 较早的页面 (reports/aging-pages): who published last -------------------------
# Wagtail's report names the last publisher by user name, and a page published by
# a script or a command (no user) by "None". It names them as everywhere else,
# "姓名(单位)" (``display_name``), and the one without a user as 系统. Wagtail
# registers the report's URL itself, so its naming method is replaced once.

NO_USER = _("系统")


def name_publishers(self, queryset):
    ids = {pk for pk in queryset.values_list("last_published_by", flat=True) if pk is not None}
    users = get_user_model().objects.filter(pk__in=ids).select_related("staff_profile")
    names = {user.pk: display_name(user) or user.get_username() for user in users}
    for page in queryset:
        self.add_last_publisher_name_to_page(names, page)  # Wagtail's: deleted users too
        if page.last_published_by is None:
            page.last_published_by_user = NO_USER
    return queryset


AgingPagesView.decorate_paginated_queryset = name_publishers
