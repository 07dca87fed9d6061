"""The resources plugin's declaration (知情知政)."""

from django.utils.translation import gettext_lazy as _

from cms.plugins import PluginConfig


class ResourcesConfig(PluginConfig):
    default = True
    name = "plugins.resources"
    label = "resources"
    verbose_name = _("知情知政")
    english_name = "Resources"
    version = "0.1.0"
    core_version = ">=0.1,<1"
    default_auto_field = "django.db.models.BigAutoField"
    api_urls = "api.urls"
    default_settings = {
        # The text drawn on every page of a served PDF, after the viewer's name and time.
        "WATERMARK_NOTE": "仅供本人阅读 请勿外传",
    }
    # The office (a site's editors) publishes; the reviewers read the reads.
    group_permissions = {
        "editors": tuple(
            f"resources.{action}_{model}"
            for model in ("resource", "category")
            for action in ("add", "change", "view")
        )
        + ("resources.delete_category",),
        "first_reviewers": ("resources.view_resource",),
        "final_reviewers": (
            "resources.view_resource",
            "resources.change_resource",
            "resources.delete_resource",
        ),
    }
    openapi_enum_names = {
        "ResourceKindEnum": "plugins.resources.models.Kind",
        "ResourceIssuerEnum": "plugins.resources.models.Issuer",
    }

    def ready(self) -> None:
        super().ready()
        from django.db.models.signals import post_delete

        from . import service
        from .models import Resource

        post_delete.connect(
            service.drop_audience, sender=Resource, dispatch_uid="resources_audience"
        )
        from cms.services.audit import register_action
        from cms.services.notifications import register_kind
        from cms.services.schedule import register_sweep

        from .search import search_expired

        # Expired items leave the site search (their audience no longer sees them either).
        register_sweep("resources.search_expired", search_expired, every="daily at 00:05")

        register_kind("resources.published", "知情知政:新材料", {"email": "digest"})
        register_kind("resources.reminder", "知情知政:未读提醒", {"email": "digest"})
        for action, label in (
            ("resources.published", "发布知情知政材料"),
            ("resources.withdrawn", "撤回知情知政材料"),
            ("resources.audience", "修改知情知政发送范围"),
            ("resources.downloaded", "下载知情知政材料"),
            ("resources.reminded", "提醒未读代表"),
            ("resources.exported", "导出阅读情况"),
        ):
            register_action(action, label)
