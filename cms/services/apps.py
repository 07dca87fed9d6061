from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_tables(sender, using="default", verbosity=1, **kwargs):
    """``migrate`` also creates the database cache tables (``createcachetable`` is
    idempotent): the embedded setup's shared cache needs no extra deployment step."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))


class ServicesConfig(AppConfig):
    """Shared core services: the holiday calendar, background work, sweeps, statutory clocks."""

    name = "cms.services"
    label = "services"
    verbose_name = _("公共服务")
    default_auto_field = "django.db.models.BigAutoField"
    #: A site's final reviewers (its senior staff) set the site's own time limits
    #: (``cms.services.deadlines``); applied by ``cms.sitegroup.role_permissions``.
    group_permissions = {
        "final_reviewers": tuple(
            f"services.{a}_deadlinesetting" for a in ("add", "change", "delete", "view")
        ),
    }

    def ready(self):
        from . import deadlines, schedule

        schedule.register_sweep("services.prune_history", schedule.prune_history,
                                every="daily at 03:30")  # fmt: skip
        schedule.register_sweep("deadlines.reminders", deadlines.send_reminders_sweep,
                                every="daily at 08:30")  # fmt: skip
        deadlines.connect_signals()
        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="lianxi_cache_tables")
