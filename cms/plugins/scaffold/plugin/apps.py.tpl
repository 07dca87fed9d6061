"""The plugin's declaration: names, version, the core versions it runs on, settings."""

from django.utils.translation import gettext_lazy as _

from cms.plugins import PluginConfig


class ${camel}Config(PluginConfig):
    default = True
    name = "${package}"
    label = "${label}"
    verbose_name = _("${verbose_name}")
    english_name = "${english_name}"
    version = "0.1.0"
    core_version = "${core_version}"
    default_auto_field = "django.db.models.BigAutoField"
    # Operators override these in LIANXI_PLUGINS_CONFIG["${label}"].
    default_settings = {"PAGE_SIZE": 20}
    # Model permissions the staff groups of every site get.
    group_permissions = {
        "editors": ("${label}.add_entry", "${label}.change_entry", "${label}.view_entry"),
        "final_reviewers": ("${label}.change_entry", "${label}.delete_entry"),
    }
