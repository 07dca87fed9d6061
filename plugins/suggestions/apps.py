"""The suggestions plugin's declaration."""

from django.utils.translation import gettext_lazy as _

from cms.plugins import PluginConfig


class SuggestionsConfig(PluginConfig):
    default = True
    name = "plugins.suggestions"
    label = "suggestions"
    verbose_name = _("议案建议")
    english_name = "Suggestions"
    version = "0.1.0"
    core_version = ">=0.1,<1"
    default_auto_field = "django.db.models.BigAutoField"
    api_urls = "api.urls"
    # Public statistics: a row with fewer handled items gives counts only (no mix, no rates).
    default_settings = {"PAGE_SIZE": 20, "PUBLIC_STATS_MIN_HANDLED": 5}
    # The office (a site's editors) takes in (paper ones too), reviews and assigns; reviewers read.
    group_permissions = {
        "editors": (
            "suggestions.view_suggestion",
            "suggestions.change_suggestion",
            "suggestions.add_suggestion",
        ),
        "first_reviewers": ("suggestions.view_suggestion",),
        "final_reviewers": ("suggestions.view_suggestion", "suggestions.change_suggestion"),
    }
    openapi_enum_names = {
        "SuggestionUnitRoleEnum": "plugins.suggestions.models.Assignment.Role",
        "SuggestionClockStateEnum": "cms.services.deadlines.DeadlineState",
        "SuggestionKindEnum": "plugins.suggestions.models.Kind",
        "SuggestionStateEnum": "plugins.suggestions.models.State",
        "SuggestionPeriodEnum": "plugins.suggestions.models.Period",
        "ReplyClassEnum": "plugins.suggestions.models.ReplyClass",
        "RatingResultEnum": "plugins.suggestions.models.RatingResult",
    }

    def ready(self) -> None:
        super().ready()
        from . import drafts, inspection, publication, workflow

        workflow.connect()
        inspection.install()
        publication.connect()
        drafts.install()
        from cms.services import uploads

        uploads.register_reader(workflow.may_read_upload)
