from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiAccessConfig(AppConfig):
    name = "cms.apiaccess"
    label = "apiaccess"
    verbose_name = _("接口访问")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms.api.idempotency import forget_idempotency_keys
        from cms.services.schedule import register_sweep
        from cms.sitegroup.signals import site_provisioned

        from . import cors, invalidation

        register_sweep(
            "api.forget_idempotency_keys", forget_idempotency_keys, every="daily at 03:50"
        )
        invalidation.connect_receivers()
        cors.connect_receivers()
        site_provisioned.connect(grant_cors_permissions, dispatch_uid="apiaccess.cors-perms")


CORS_PERMISSIONS = ("add_sitecorsorigin", "change_sitecorsorigin", "delete_sitecorsorigin",
                    "view_sitecorsorigin")  # fmt: skip


def grant_cors_permissions(sender, profile, **kwargs):
    """A site's final reviewers (its senior staff) edit the site's CORS origins."""
    from django.contrib.auth.models import Permission

    group = profile.final_reviewers_group
    if group is None:
        return
    perms = Permission.objects.filter(
        content_type__app_label="apiaccess", codename__in=CORS_PERMISSIONS
    )
    group.permissions.add(*perms)
