"""The consultations plugin's declaration."""

from django.utils.translation import gettext_lazy as _

from cms.plugins import PluginConfig


class ConsultationsConfig(PluginConfig):
    default = True
    name = "plugins.consultations"
    label = "consultations"
    verbose_name = _("立法征询")
    english_name = "Consultations"
    version = "0.1.0"
    core_version = ">=0.1,<1"
    default_auto_field = "django.db.models.BigAutoField"
    api_urls = "api.urls"
    # WINDOW_DAYS: a window's default length per level (days); never below the statutory
    # minimum of the deadline rule consultation.window (设置 → 法定时限).
    default_settings = {
        "PAGE_SIZE": 20,
        "WINDOW_DAYS": {"province": 30, "municipal": 30, "county": 30},
    }
    # The office (a site's editors) creates, decides and publishes; reviewers read.
    group_permissions = {
        "editors": (
            "consultations.view_consultation",
            "consultations.add_consultation",
            "consultations.change_consultation",
            "consultations.view_comment",
            "consultations.view_proposal",
        ),
        "first_reviewers": ("consultations.view_consultation", "consultations.view_comment"),
        "final_reviewers": ("consultations.view_consultation", "consultations.view_comment"),
    }
    openapi_enum_names = {
        "ConsultationKindEnum": "plugins.consultations.models.Kind",
        "ConsultationTopicEnum": "plugins.consultations.models.Topic",
        "ConsultationStatusEnum": "plugins.consultations.models.Status",
        "ConsultationStageEnum": "plugins.consultations.models.Stage",
        "ConsultationResultEnum": "plugins.consultations.models.Result",
        "ProposerTypeEnum": "plugins.consultations.models.ProposerType",
        "ProposalOutcomeEnum": "plugins.consultations.models.Outcome",
        "ProvisionKindEnum": "plugins.consultations.models.ProvisionKind",
    }

    def ready(self) -> None:
        super().ready()
        from . import workflow

        workflow.connect()
