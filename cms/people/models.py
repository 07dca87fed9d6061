"""A staff account's person: their name and their unit (工作单位).

Accounts of one office used to read as the office's name, so a page's history
showed the editor, the 初审 and the 终审 alike. ``StaffProfile`` gives each
account the person behind it, and every place Wagtail names a user (page and
site history, workflow history, the review screens, notifications) shows
"姓名(单位)".

Wagtail names a user through ``get_full_name()`` everywhere. The project uses
Django's own ``auth.User`` (a custom user model cannot be introduced on a
running database), so ``install_display_name`` gives ``User.get_full_name``
the profile's name and unit, falling back to Django's own when an account has
no profile. It is the only change to ``auth.User``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffProfile(models.Model):
    """The person behind a staff account: full name (姓名) and unit (单位)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("账号"),
    )
    name = models.CharField(_("姓名"), max_length=64)
    unit = models.CharField(
        _("单位"), max_length=128, blank=True, help_text=_("如:肥西县人大常委会办公室")
    )

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        ordering = ["unit", "name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.name}({self.unit})" if self.unit else self.name


def display_name(user) -> str:
    """ "姓名(单位)" for an account with a profile, else Django's full name."""
    try:
        profile = user.staff_profile
    except StaffProfile.DoesNotExist:
        profile = None
    except AttributeError:  # AnonymousUser, or a user model of another kind
        return ""
    if profile is not None and profile.name:
        return profile.display_name
    return _django_full_name(user)


def _django_full_name(user) -> str:
    return f"{user.first_name} {user.last_name}".strip()


def install_display_name() -> None:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if getattr(User.get_full_name, "_lianxi", False):
        return

    def get_full_name(self):
        return display_name(self)

    get_full_name._lianxi = True
    User.get_full_name = get_full_name
