from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Accounts beyond staff: deputies, citizens, handling units; mobile logins and devices."""

    name = "cms.accounts"
    label = "accounts"
    verbose_name = _("账号")
    default_auto_field = "django.db.models.BigAutoField"
    #: A site's editors manage its handling units (settings → 承办单位); applied by
    #: ``cms.sitegroup.role_permissions``.
    group_permissions = {
        "editors": tuple(f"accounts.{a}_handlingunit" for a in ("add", "change", "delete", "view")),
    }

    def ready(self):
        from cms.services import accounts, notifications, schedule

        notifications.register_contact_resolver(accounts.contact_for)
        schedule.register_sweep("accounts.prune_login_codes", accounts.prune_login_codes,
                                every="daily at 03:40")  # fmt: skip
