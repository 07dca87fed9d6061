from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    """User submissions: the moderation queue and attachments (``cms.services.moderation``)."""

    name = "cms.moderation"
    label = "moderation"
    verbose_name = _("审核")
    default_auto_field = "django.db.models.BigAutoField"
    #: A site's editors and reviewers decide its held submissions
    #: (``cms.sitegroup.role_permissions``).
    group_permissions = {
        "editors": ("moderation.change_moderationitem",),
        "first_reviewers": ("moderation.change_moderationitem",),
        "final_reviewers": ("moderation.change_moderationitem",),
    }

    def ready(self):
        from cms.services import audit

        audit.register_action("moderation.approved", "通过审核", "用户提交的内容通过审核")
        audit.register_action("moderation.rejected", "退回", "用户提交的内容被退回")
        audit.register_action("moderation.edited", "修改后通过", "用户提交的内容经修改后通过审核")
