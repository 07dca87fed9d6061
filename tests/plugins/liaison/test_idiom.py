"""The liaison plugin follows the plugin idioms: the write idiom, the admin, the switch."""

from __future__ import annotations

from cms.plugins.testing import PluginAdminTests, PluginSubmissionTests


class TestMessageSubmissions(PluginSubmissionTests):
    """The idiom's tests, logged in as citizens (verified mobile numbers); addressed to no
    one, a message waits for the office on any site."""

    plugin_label = "liaison"
    model = "liaison.Message"
    submissions_url = "/api/v1/liaison/messages/"
    submission_payload = {"title": "村口路灯不亮", "text": "村口路灯坏了一个月。"}
    text_field = "text"


class TestMessageAdmin(PluginAdminTests):
    plugin_label = "liaison"
    model = "liaison.Message"
    object_fields = {"title": "村口路灯不亮", "text": "村口路灯坏了一个月。"}
