from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "cms.content"
    label = "content"
    verbose_name = _("内容")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms.services.schedule import register_sweep

        from . import listing
        from .media_cleanup import cleanup_media_sweep

        listing.connect()  # the page lists' index (cms.content.listing)

        # Files left by a process killed while it stored them (cms.content.media_cleanup).
        register_sweep("content.cleanup_media_files", cleanup_media_sweep, every="daily at 04:00")
