"""The deputies plugin's declaration."""

from django.utils.translation import gettext_lazy as _

from cms.plugins import PluginConfig


class DeputiesConfig(PluginConfig):
    default = True
    name = "plugins.deputies"
    label = "deputies"
    verbose_name = _("代表履职")
    english_name = "Deputies"
    version = "1.0.0"
    core_version = ">=0.1,<1"
    default_auto_field = "django.db.models.BigAutoField"
    default_settings = {
        # Key for the encrypted private fields (ID number, mobile, address) and
        # for the ID-number digest; derived from SECRET_KEY when empty. Losing
        # it makes the stored ID numbers unreadable: keep it with the backups.
        "PRIVATE_DATA_KEY": "",
        # Page size of the public deputy list (the client may ask up to MAX).
        "PAGE_SIZE": 20,
        "MAX_PAGE_SIZE": 100,
    }
    _records = (
        "person",
        "membership",
        "congress",
        "term",
        "delegation",
        "deputygroup",
        "constituency",
        "post",
        "postholding",
        "liaisonstation",
        "reception",
        "performanceentry",
    )
    # Who does what with the records: the office's editors keep the rolls (a
    # congress itself is created with its site or township column and is deleted
    # by no one but an administrator); the reviewers review pages and only read
    # the rolls; a township's staff keep their own congress's rolls (rows limited
    # by ``township_field``), bringing new people in through the import.
    group_permissions = {
        "editors": (
            *(f"deputies.{a}_{model}" for model in _records for a in ("add", "change", "view")),
            *(f"deputies.delete_{model}" for model in _records if model != "congress"),
        ),
        "first_reviewers": tuple(f"deputies.view_{model}" for model in _records),
        "final_reviewers": tuple(f"deputies.view_{model}" for model in _records),
        "township_staff": (
            "deputies.view_congress",
            "deputies.change_congress",
            "deputies.view_person",
            "deputies.change_person",
            *(
                f"deputies.{a}_{model}"
                for model in _records
                if model not in ("congress", "person")
                for a in ("add", "change", "view", "delete")
            ),
        ),
    }

    openapi_enum_names = {
        "LiaisonStationKindEnum": "plugins.deputies.models.LiaisonStation.Kind",
        "ConstituencyKindEnum": "plugins.deputies.models.Constituency.Kind",
    }

    def ready(self) -> None:
        super().ready()
        from . import accounts, directory, performance, signals  # noqa: F401  (signals: congresses)

        performance.install()
        directory.install()
        accounts.connect()
        from cms.services.audit import register_action

        register_action("deputies.imported", "导入代表名册", "从 Excel 导入代表名册")
        register_action("deputies.accounts_opened", "开通代表账号", "为在任代表开通账号")
