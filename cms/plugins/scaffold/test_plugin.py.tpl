"""${english_name}: the API, per-site enablement and the admin screen."""

from cms.plugins.testing import PluginAdminTests, PluginAPITests, PluginSubmissionTests


class Test${camel}API(PluginAPITests):
    plugin_label = "${label}"
    model = "${label}.Entry"
    object_fields = {"title": "条目", "body": "内容"}
    list_url = "/api/v1/${label}/entries/"
    create_payload = {"title": "新条目", "body": "内容"}


class Test${camel}Submissions(PluginSubmissionTests):
    plugin_label = "${label}"
    model = "${label}.Submission"
    submissions_url = "/api/v1/${label}/submissions/"
    submission_payload = {"text": "建议在村口增设路灯。"}
    text_field = "text"


class Test${camel}Admin(PluginAdminTests):
    plugin_label = "${label}"
    model = "${label}.Entry"
    object_fields = {"title": "条目"}
