"""The evaluation plugin's declaration (网站考评: the province inspects every site)."""

from django.utils.translation import gettext_lazy as _

from cms.plugins import PluginConfig

#: Who reads the results of their sites' inspections, and who may run one.
READ = ("evaluation.view_siteinspection", "evaluation.view_finding")


class EvaluationConfig(PluginConfig):
    default = True
    name = "plugins.evaluation"
    label = "evaluation"
    verbose_name = _("网站考评")
    english_name = "Evaluation"
    version = "0.1.0"
    core_version = ">=0.1,<1"
    default_auto_field = "django.db.models.BigAutoField"
    api_urls = None
    default_settings = {
        # When the nightly inspection of every site runs (Beijing time).
        "INSPECT_AT": "daily at 02:30",
        # Outbound link checks: at most one request per host every LINK_HOST_INTERVAL
        # seconds, LINK_WORKERS hosts at a time, each request within LINK_TIMEOUT seconds;
        # a link found working is trusted for LINK_RECHECK_HOURS (a broken one is checked
        # again at every inspection); a host is asked at most LINK_MAX_PER_HOST times a run
        # (the rest keep their last outcome). CHECK_OUTBOUND_LINKS False: internal links only.
        "CHECK_OUTBOUND_LINKS": True,
        "LINK_HOST_INTERVAL": 1.0,
        "LINK_WORKERS": 16,
        "LINK_TIMEOUT": 15,
        "LINK_RECHECK_HOURS": 72,
        "LINK_MAX_PER_HOST": 1000,
        # Availability probes: the sweep wakes every PROBE_SWEEP_MINUTES and probes the
        # sites whose own interval (站点监测设置) has passed; probes are kept PROBE_KEEP_DAYS.
        "PROBE_SWEEP_MINUTES": 5,
        "PROBE_KEEP_DAYS": 35,
        # Defaults of the inspection's numbers (thresholds.py), before the rows of
        # 设置 → 考评指标 (per level and site): {"home.veto_days": 14, ...}.
        "THRESHOLDS": {},
    }
    group_permissions = {
        "editors": (*READ, "evaluation.run_inspection", "evaluation.view_sitemonitor",
                    "evaluation.add_sitemonitor", "evaluation.change_sitemonitor"),
        "first_reviewers": READ,
        "final_reviewers": (*READ, "evaluation.run_inspection"),
    }  # fmt: skip

    def ready(self) -> None:
        super().ready()
        from . import signals

        signals.connect(self.plugin_settings)
