"""What the security controls store: past passwords, and the roles' permissions."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class PasswordHistory(models.Model):
    """A password a user had (its hash), so that it is not chosen again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(_("密码摘要"), max_length=256)
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")

    def __str__(self):
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class AdminRole(Group):
    """A group seen as a security role; exists for the permissions below.

    ``requires_second_factor``: members log in with a password and a TOTP
    code (reviewers, the three admin roles). ``manage_second_factor``: the
    security administrator may reset someone's authenticator.
    """

    class Meta:
        proxy = True
        default_permissions = ()
        permissions = [
            ("requires_second_factor", _("登录须使用动态口令(第二因素)")),
            ("manage_second_factor", _("管理用户的动态口令")),
        ]
        verbose_name = _("安全角色")
        verbose_name_plural = _("安全角色")
