from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    """Shared core services: the holiday calendar, background work, sweeps, statutory clocks."""

    name = "cms.services"
    label = "services"
    verbose_name = _("公共服务")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import deadlines, schedule

        schedule.register_sweep("services.prune_history", schedule.prune_history,
                                every="daily at 03:30")  # fmt: skip
        schedule.register_sweep("deadlines.reminders", deadlines.send_reminders_sweep,
                                every="daily at 08:30")  # fmt: skip
        deadlines.connect_signals()
