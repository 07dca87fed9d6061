from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

UNIT_PERMS = ("add_handlingunit", "change_handlingunit", "delete_handlingunit", "view_handlingunit")


def grant_unit_permissions(sender, profile, **kwargs) -> None:
    """A site's editors manage its handling units (settings → 承办单位)."""
    from django.contrib.auth.models import Permission

    if profile.editors_group_id:
        perms = Permission.objects.filter(
            content_type__app_label="accounts", codename__in=UNIT_PERMS
        )
        profile.editors_group.permissions.add(*perms)


class AccountsConfig(AppConfig):
    """Accounts beyond staff: deputies, citizens, handling units; mobile logins and devices."""

    name = "cms.accounts"
    label = "accounts"
    verbose_name = _("账号")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms.services import accounts, notifications, schedule
        from cms.sitegroup.signals import site_provisioned

        site_provisioned.connect(grant_unit_permissions, dispatch_uid="accounts_unit_perms")

        notifications.register_contact_resolver(accounts.contact_for)
        schedule.register_sweep("accounts.prune_login_codes", accounts.prune_login_codes,
                                every="daily at 03:40")  # fmt: skip
