from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def grant_moderation_permission(sender, profile, **kwargs) -> None:
    """A site's editors and reviewers decide its held submissions."""
    from django.contrib.auth.models import Permission

    perm = Permission.objects.filter(
        content_type__app_label="moderation", codename="change_moderationitem"
    )
    for group in (
        profile.editors_group,
        profile.first_reviewers_group,
        profile.final_reviewers_group,
    ):
        if group is not None:
            group.permissions.add(*perm)


class ModerationConfig(AppConfig):
    """User submissions: the moderation queue and attachments (``cms.services.moderation``)."""

    name = "cms.moderation"
    label = "moderation"
    verbose_name = _("审核")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms.services import audit
        from cms.sitegroup.signals import site_provisioned

        site_provisioned.connect(grant_moderation_permission, dispatch_uid="moderation_perms")

        audit.register_action("moderation.approved", "通过审核", "用户提交的内容通过审核")
        audit.register_action("moderation.rejected", "退回", "用户提交的内容被退回")
        audit.register_action("moderation.edited", "修改后通过", "用户提交的内容经修改后通过审核")
