from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The inbox, preferences and delivery log behind ``cms.services.notifications``."""

    name = "cms.notifications"
    label = "notifications"
    verbose_name = _("通知")
    default_auto_field = "django.db.models.BigAutoField"
    #: A site's senior staff (its final reviewers) read the site's delivery log. The
    #: log holds messages to the site's users and their (masked) addresses, so it is
    #: not given to the other roles; an administrator may grant
    #: ``notifications.view_delivery`` to other groups (not to a role's: kept exact by
    #: ``cms.sitegroup.role_permissions``).
    group_permissions = {"final_reviewers": ("notifications.view_delivery",)}

    def ready(self):
        from cms.services import notifications, schedule

        schedule.register_sweep("notifications.retry", notifications.retry_deliveries,
                                every=notifications.RETRY_SWEEP_EVERY)  # fmt: skip
        schedule.register_sweep("notifications.digest", notifications.send_digests,
                                every=notifications.digest_schedule())  # fmt: skip
