"""Example: the API, per-site enablement and the admin screen."""

from cms.plugins.testing import PluginAdminTests, PluginAPITests, PluginSubmissionTests


class TestExampleAPI(PluginAPITests):
    plugin_label = "example"
    model = "example.Entry"
    object_fields = {"title": "条目", "body": "内容"}
    list_url = "/api/v1/example/entries/"
    create_payload = {"title": "新条目", "body": "内容"}


class TestExampleSubmissions(PluginSubmissionTests):
    plugin_label = "example"
    model = "example.Submission"
    submissions_url = "/api/v1/example/submissions/"
    submission_payload = {"text": "建议在村口增设路灯。"}
    text_field = "text"


class TestExampleAdmin(PluginAdminTests):
    plugin_label = "example"
    model = "example.Entry"
    object_fields = {"title": "条目"}
