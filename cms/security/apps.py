from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "cms.security"
    label = "security"
    verbose_name = _("安全")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate, post_save, pre_save

        from . import roles, sessions, validators

        post_migrate.connect(roles.on_post_migrate, dispatch_uid="security.roles")
        pre_save.connect(
            validators.remember_password,
            sender=get_user_model(),
            dispatch_uid="security.password_history",
        )
        post_save.connect(
            validators.record_password,
            sender=get_user_model(),
            dispatch_uid="security.password_history_saved",
        )
        user_logged_in.connect(sessions.on_login, dispatch_uid="security.session_start")
        roles.connect_guards()

        from .csp import patch_choosers

        patch_choosers()  # Wagtail's choosers start from a file, not an inline script
