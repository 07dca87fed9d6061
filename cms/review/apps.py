from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "cms.review"
    label = "review"
    verbose_name = _("信息发布审查")
    default_auto_field = "django.db.models.BigAutoField"
