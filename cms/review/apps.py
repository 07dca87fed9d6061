from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "cms.review"
    label = "review"
    verbose_name = _("信息发布审查")
    default_auto_field = "django.db.models.BigAutoField"
    #: Reviewers manage their site's sensitive-word list; editors may read it
    #: (``cms.sitegroup.role_permissions``).
    group_permissions = {
        "editors": ("review.view_sensitiveword",),
        "first_reviewers": tuple(
            f"review.{a}_sensitiveword" for a in ("add", "change", "delete", "view")
        ),
        "final_reviewers": tuple(
            f"review.{a}_sensitiveword" for a in ("add", "change", "delete", "view")
        ),
    }

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from cms.content.publication import register_check
        from cms.sitegroup.signals import site_provisioned

        from . import audit, checks, workflows
        from .models import SensitiveWord

        register_check(checks.sensitive_word_check)
        register_check(checks.required_date_check)
        post_save.connect(checks.clear_cache, sender=SensitiveWord, dispatch_uid="review.words")
        post_delete.connect(checks.clear_cache, sender=SensitiveWord, dispatch_uid="review.words")
        site_provisioned.connect(workflows.on_site_provisioned, dispatch_uid="review.workflow")
        audit.connect()

        from cms.services.schedule import register_sweep

        from .audit_chain import purge_expired_audit_log

        register_sweep("review.purge_audit_log", purge_expired_audit_log, every="daily at 03:30")
