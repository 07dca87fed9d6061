from django.apps import AppConfig


class SearchIndexConfig(AppConfig):
    """Site-group search (app label ``search_index``; ``search`` is wagtail.search's)."""

    name = "search"
    label = "search_index"
    verbose_name = "搜索"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import registry, signals

        signals.connect()
        registry.load_plugin_providers()

        import datetime

        from cms.services.schedule import register_sweep

        from .outbox import replay_search_outbox

        # Index updates queued while the search server was down (search.outbox).
        register_sweep("search.replay_outbox", replay_search_outbox,
                       every=datetime.timedelta(minutes=1))  # fmt: skip
