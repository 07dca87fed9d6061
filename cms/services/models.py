"""Admin-editable data of the shared services."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class CalendarDay(models.Model):
    """One day of the working-day calendar added or corrected in the admin.

    The shipped data file (``cms/services/data/holidays_cn.json``) covers the
    years already announced; the State Council publishes each next year's
    holidays and make-up working days in November, and an administrator adds
    them here. A row overrides the data file for its date.
    """

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=DayKind.choices)
    name = models.CharField(
        _("名称"), max_length=64, blank=True, help_text=_("如:春节、国庆节调休")
    )

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()
