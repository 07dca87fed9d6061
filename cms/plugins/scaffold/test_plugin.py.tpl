"""${english_name}: the API, per-site enablement and the admin screen."""

from cms.plugins.testing import PluginAdminTests, PluginAPITests


class Test${camel}API(PluginAPITests):
    plugin_label = "${label}"
    model = "${label}.Entry"
    object_fields = {"title": "条目", "body": "内容"}
    list_url = "/api/v1/${label}/entries/"
    create_payload = {"title": "新条目", "body": "内容"}


class Test${camel}Admin(PluginAdminTests):
    plugin_label = "${label}"
    model = "${label}.Entry"
    object_fields = {"title": "条目"}
