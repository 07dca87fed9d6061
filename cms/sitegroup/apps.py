from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteGroupConfig(AppConfig):
    name = "cms.sitegroup"
    label = "sitegroup"
    verbose_name = _("网站群")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import post_migrate
        from wagtail.signals import page_published

        from . import role_permissions
        from .provisioning import on_post_migrate, on_township_published

        page_published.connect(
            on_township_published,
            sender=apps.get_model("content", "TownshipPage"),
            dispatch_uid="sitegroup.township_staff",
        )
        post_migrate.connect(on_post_migrate, dispatch_uid="sitegroup.reconcile_roles")
        post_migrate.connect(
            role_permissions.on_post_migrate, dispatch_uid="sitegroup.role_permissions"
        )
