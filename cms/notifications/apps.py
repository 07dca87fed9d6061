from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The inbox, preferences and delivery log behind ``cms.services.notifications``."""

    name = "cms.notifications"
    label = "notifications"
    verbose_name = _("通知")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms.services import notifications, schedule
        from cms.sitegroup.signals import site_provisioned

        schedule.register_sweep("notifications.retry", notifications.retry_deliveries,
                                every=notifications.RETRY_SWEEP_EVERY)  # fmt: skip
        schedule.register_sweep("notifications.digest", notifications.send_digests,
                                every=notifications.digest_schedule())  # fmt: skip
        site_provisioned.connect(grant_delivery_log, dispatch_uid="notifications.delivery-log")


def grant_delivery_log(sender, profile, **kwargs) -> None:
    """A site's senior staff (its final reviewers) read the site's delivery log.

    The log holds messages to the site's users and their (masked) addresses, so
    it is not given to every editor; an administrator may grant
    ``notifications.view_delivery`` to other groups.
    """
    from django.contrib.auth.models import Permission

    perm = Permission.objects.filter(
        content_type__app_label="notifications", codename="view_delivery"
    ).first()
    if perm is None:
        return
    if profile.final_reviewers_group is not None:
        profile.final_reviewers_group.permissions.add(perm)
