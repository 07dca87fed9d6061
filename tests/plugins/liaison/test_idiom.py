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


class TestGroupChatAdmin(PluginAdminTests):
    """联络群聊: listed only on the user's sites, and only while the plugin is on."""

    plugin_label = "liaison"
    model = "liaison.GroupChat"
    object_fields = {"owner_kind": "station", "owner_ref": "1", "owner_name": "上派镇联络站",
                     "place_code": "340123100", "platform": "wechat", "name": "上派镇联络群",
                     "how_to_join": "扫码入群", "runner_name": "王敏"}  # fmt: skip
