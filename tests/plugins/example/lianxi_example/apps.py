"""The plugin's declaration: names, version, the core versions it runs on, settings."""

from django.utils.translation import gettext_lazy as _

from cms.plugins import PluginConfig


class ExampleConfig(PluginConfig):
    default = True
    name = "lianxi_example"
    label = "example"
    verbose_name = _("示例")
    english_name = "Example"
    version = "0.1.0"
    core_version = ">=0.1,<1"
    default_auto_field = "django.db.models.BigAutoField"
    # Operators override these in LIANXI_PLUGINS_CONFIG["example"].
    default_settings = {"PAGE_SIZE": 20}
    # Model permissions the staff groups of every site get.
    group_permissions = {
        "editors": ("example.add_entry", "example.change_entry", "example.view_entry"),
        "final_reviewers": ("example.change_entry", "example.delete_entry"),
    }
