from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "cms.people"
    label = "people"
    verbose_name = _("人员")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .models import install_display_name

        install_display_name()
