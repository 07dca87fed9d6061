"""People in the core: who a staff account belongs to (name and unit)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class PeopleConfig(AppConfig):
    default = True  # the app config of "cms.people" (this module has two)
    name = "cms.people"
    label = "people"
    verbose_name = _("人员")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .models import install_display_name

        install_display_name()


class StaffUsersConfig(WagtailUsersAppConfig):
    """``wagtail.users`` with the user screens of ``cms.people.views`` (INSTALLED_APPS
    names this class instead of "wagtail.users": Wagtail's way to customise them)."""

    default = False
    user_viewset = "cms.people.views.StaffUserViewSet"
