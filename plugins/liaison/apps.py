"""The liaison plugin's declaration."""

from django.utils.translation import gettext_lazy as _

from cms.plugins import PluginConfig

from .committee_conf import COMMITTEE_ENUM_NAMES, COMMITTEE_PERMISSIONS, COMMITTEE_SETTINGS

#: The office enters, edits and deactivates group chats (群聊: groups.py).
GROUP_CHAT_PERMISSIONS = ("liaison.view_groupchat", "liaison.add_groupchat",
                          "liaison.change_groupchat")  # fmt: skip


class LiaisonConfig(PluginConfig):
    default = True
    name = "plugins.liaison"
    label = "liaison"
    verbose_name = _("联系群众")
    english_name = "Liaison"
    version = "0.1.0"
    core_version = ">=0.1,<1"
    default_auto_field = "django.db.models.BigAutoField"
    api_urls = "api.urls"
    default_settings = {
        "PAGE_SIZE": 20,
        # Citizens' messages: a citizen may reopen an answer within REOPEN_DAYS; is asked
        # "was it solved?" SOLVED_AFTER_DAYS after it; writes at most DAILY_LIMIT a day.
        "REOPEN_DAYS": 30,
        "SOLVED_AFTER_DAYS": 14,
        "DAILY_LIMIT": 5,
        # Reception days are announced to citizens who wrote about the station's place
        # within this many days (receptions.py).
        "RECEPTION_NEARBY_DAYS": 365,
        # The public statistics give rates and ratings only for rows with this many answers.
        "PUBLIC_STATS_MIN_ANSWERED": 5,
        **COMMITTEE_SETTINGS,
    }
    # The office (a site's editors) triages, forwards, publishes; reviewers read.
    # (and, for the committee part, its records: committee_conf.COMMITTEE_PERMISSIONS)
    group_permissions = {
        "editors": ("liaison.view_message", "liaison.change_message",
                    *COMMITTEE_PERMISSIONS["editors"], *GROUP_CHAT_PERMISSIONS),
        "first_reviewers": ("liaison.view_message", *COMMITTEE_PERMISSIONS["first_reviewers"]),
        "final_reviewers": ("liaison.view_message", "liaison.change_message",
                            *COMMITTEE_PERMISSIONS["final_reviewers"], *GROUP_CHAT_PERMISSIONS),
    }  # fmt: skip
    openapi_enum_names = {
        "MessageStateEnum": "plugins.liaison.models.MessageState",
        "MessageAddressedToEnum": "plugins.liaison.models.AddressedTo",
        "MessageTopicEnum": "plugins.liaison.models.Topic",
        **COMMITTEE_ENUM_NAMES,
        "GroupChatPlatformEnum": "plugins.liaison.groups.Platform",
        "GroupChatOwnerKindEnum": "plugins.liaison.groups.OwnerKind",
    }

    def ready(self) -> None:
        super().ready()
        from . import groups, inspection, messages, receptions

        groups.connect()
        inspection.install()
        messages.connect()
        receptions.connect()
        from .committee_conf import ready as committee_ready

        committee_ready()
