"""The liaison plugin's declaration."""

from django.utils.translation import gettext_lazy as _

from cms.plugins import PluginConfig


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
    }
    # The office (a site's editors) triages, forwards, publishes; reviewers read.
    group_permissions = {
        "editors": ("liaison.view_message", "liaison.change_message"),
        "first_reviewers": ("liaison.view_message",),
        "final_reviewers": ("liaison.view_message", "liaison.change_message"),
    }
    openapi_enum_names = {
        "MessageStateEnum": "plugins.liaison.models.MessageState",
        "MessageAddressedToEnum": "plugins.liaison.models.AddressedTo",
        "MessageTopicEnum": "plugins.liaison.models.Topic",
    }

    def ready(self) -> None:
        super().ready()
        from . import messages, receptions

        messages.connect()
        receptions.connect()
