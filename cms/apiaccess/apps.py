from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiAccessConfig(AppConfig):
    name = "cms.apiaccess"
    label = "apiaccess"
    verbose_name = _("接口访问")
    default_auto_field = "django.db.models.BigAutoField"
    #: A site's final reviewers (its senior staff) edit the site's CORS origins
    #: (``cms.sitegroup.role_permissions``).
    group_permissions = {
        "final_reviewers": tuple(
            f"apiaccess.{a}_sitecorsorigin" for a in ("add", "change", "delete", "view")
        ),
    }

    def ready(self):
        from cms.api.idempotency import forget_idempotency_keys
        from cms.services.schedule import register_sweep

        from . import cors, invalidation

        register_sweep(
            "api.forget_idempotency_keys", forget_idempotency_keys, every="daily at 03:50"
        )
        invalidation.connect_receivers()
        cors.connect_receivers()
