from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "cms.portal"
    label = "portal"
    verbose_name = _("微门户")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from cms.sitegroup.signals import site_provisioned

        from .permissions import grant_all, on_site_provisioned

        site_provisioned.connect(on_site_provisioned, dispatch_uid="portal.permissions")
        post_migrate.connect(grant_all, sender=self, dispatch_uid="portal.permissions")
