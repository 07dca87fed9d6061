"""Example: the API, per-site enablement and the admin screen."""

from cms.plugins.testing import PluginAdminTests, PluginAPITests


class TestExampleAPI(PluginAPITests):
    plugin_label = "example"
    model = "example.Entry"
    object_fields = {"title": "条目", "body": "内容"}
    list_url = "/api/v1/example/entries/"
    create_payload = {"title": "新条目", "body": "内容"}


class TestExampleAdmin(PluginAdminTests):
    plugin_label = "example"
    model = "example.Entry"
    object_fields = {"title": "条目"}
