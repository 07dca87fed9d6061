from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    """找错: readers report an error on a site's page (POST /api/v1/feedback/)."""

    name = "cms.feedback"
    label = "feedback"
    verbose_name = _("网站纠错")
    default_auto_field = "django.db.models.BigAutoField"
    #: A site's editors answer its readers' reports (设置 → 网站纠错);
    #: applied by ``cms.sitegroup.role_permissions``.
    group_permissions = {"editors": ("feedback.change_feedback", "feedback.view_feedback")}
