from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

FEEDBACK_PERMS = ("change_feedback", "view_feedback")


def grant_feedback_permissions(sender, profile, **kwargs) -> None:
    """A site's editors answer its readers' reports (设置 → 网站纠错)."""
    from django.contrib.auth.models import Permission

    if profile.editors_group_id:
        perms = Permission.objects.filter(
            content_type__app_label="feedback", codename__in=FEEDBACK_PERMS
        )
        profile.editors_group.permissions.add(*perms)


class FeedbackConfig(AppConfig):
    """找错: readers report an error on a site's page (POST /api/v1/feedback/)."""

    name = "cms.feedback"
    label = "feedback"
    verbose_name = _("网站纠错")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms.sitegroup.signals import site_provisioned

        site_provisioned.connect(grant_feedback_permissions, dispatch_uid="feedback_perms")
