"""Password rules: at least N character classes, and none of the last N passwords again."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

CLASSES = (
    ("小写字母", str.islower),
    ("大写字母", str.isupper),
    ("数字", str.isdigit),
    ("符号", lambda c: not c.isalnum()),
)


class CharacterClassValidator:
    """At least ``LIANXI_PASSWORD_MIN_CLASSES`` of: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int | None = None):
        self.min_classes = min_classes

    def _min(self) -> int:
        return self.min_classes or settings.LIANXI_PASSWORD_MIN_CLASSES

    def validate(self, password, user=None):
        used = sum(1 for _name, test in CLASSES if any(test(c) for c in password))
        if used < self._min():
            raise ValidationError(
                f"密码须包含小写字母、大写字母、数字、符号中的至少 {self._min()} 类。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"密码须包含小写字母、大写字母、数字、符号中的至少 {self._min()} 类。"


class PasswordHistoryValidator:
    """The new password is none of the user's last ``LIANXI_PASSWORD_HISTORY`` ones."""

    def _count(self) -> int:
        return settings.LIANXI_PASSWORD_HISTORY

    def validate(self, password, user=None):
        if user is None or not getattr(user, "pk", None) or self._count() <= 0:
            return
        from .models import PasswordHistory

        hashes = list(
            PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[
                : self._count()
            ]
        )
        if any(check_password(password, h) for h in hashes):
            raise ValidationError(
                f"不能使用最近 {self._count()} 次用过的密码。", code="password_reused"
            )

    def get_help_text(self):
        return f"不能使用最近 {self._count()} 次用过的密码。"


def remember_password(sender, instance, raw=False, update_fields=None, **kwargs):
    """``pre_save`` of the user: a changed password hash goes into the history."""
    if raw or not instance.password or not instance.has_usable_password():
        return
    if update_fields is not None and "password" not in update_fields:
        return

    if instance.pk:
        old = (
            type(instance)
            ._default_manager.filter(pk=instance.pk)
            .values_list("password", flat=True)
        )
        if list(old) == [instance.password]:
            return
    instance._lianxi_new_password = instance.password


def record_password(sender, instance, created, raw=False, **kwargs):
    new = getattr(instance, "_lianxi_new_password", None)
    if raw or not new:
        return
    from .models import PasswordHistory

    del instance._lianxi_new_password
    PasswordHistory.objects.create(user=instance, password=new)
    keep = max(settings.LIANXI_PASSWORD_HISTORY, 1)
    old = PasswordHistory.objects.filter(user=instance).values_list("pk", flat=True)[keep:]
    PasswordHistory.objects.filter(pk__in=list(old)).delete()
