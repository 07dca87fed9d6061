"""Admin of the shared services: the holiday calendar, and audit-log action names."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register

from .audit import registered_actions
from .models import CalendarDay


@modeladmin_register
class CalendarDayAdmin(ModelAdmin):
    """设置 → 节假日与调休: add each next year's holidays and make-up working days."""

    model = CalendarDay
    menu_label = _("节假日与调休")
    menu_icon = "date"
    add_to_settings_menu = True
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    search_fields = ("name",)


@hooks.register("register_log_actions")
def register_audit_actions(actions):
    for action, (label, message) in registered_actions().items():
        actions.register_action(action, label, message)


# --- 设置 → 法定时限: the statutory time limits per level and per site ------------------

from django import forms  # noqa: E402
from wagtail.admin.forms import WagtailAdminModelForm  # noqa: E402
from wagtail.admin.panels import FieldPanel, ObjectList  # noqa: E402

from cms.sitegroup.admin import SiteListFilter, SiteOwnedModelAdmin  # noqa: E402
from cms.sitegroup.models import Level  # noqa: E402

from . import deadlines  # noqa: E402
from .models import DeadlineSetting, DeadlineUnit  # noqa: E402


def rule_choices():
    out = []
    for rule in deadlines.rules():
        default = f"{rule.amount}{DeadlineUnit(rule.unit).label}"
        if rule.max_amount:
            default += f",经批准最长{rule.max_amount}{DeadlineUnit(rule.unit).label}"
        out.append((rule.name, f"{rule.label}(默认{default};依据:{rule.source})"))
    return out


class DeadlineSettingForm(WagtailAdminModelForm):
    """Rules offered by name with their default and source; levels for superusers only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"] = forms.ChoiceField(label=_("时限规则"), choices=rule_choices())
        self.fields["level"] = forms.ChoiceField(
            label=_("层级"),
            choices=[("", _("全部层级"))] + list(Level.choices),
            required=False,
            help_text=_("不选站点时适用于该层级的全部站点;只有超级管理员可设置层级或全部层级。"),
        )
        user = getattr(self, "for_user", None)
        if user is not None and not user.is_superuser:
            self.fields["level"].disabled = True

    def clean(self):
        data = super().clean()
        user = getattr(self, "for_user", None)
        if user is not None and not user.is_superuser and not data.get("site"):
            self.add_error("site", _("请选择站点。"))
        return data


class DeadlineSettingAdmin(SiteOwnedModelAdmin):
    """设置 → 法定时限: a rule's numbers for a level or a site (defaults: the standards)."""

    model = DeadlineSetting
    menu_label = _("法定时限")
    menu_icon = "time"
    menu_order = 905
    add_to_settings_menu = True
    include_global = True  # level rows: read-only for a site's staff
    list_display = ("rule_label", "scope", "limit", "max_limit", "reminders", "source")
    list_filter = ("rule", "level", SiteListFilter)
    list_select_related = ("site__profile",)

    def get_edit_handler(self):
        return ObjectList(
            [FieldPanel("rule"), FieldPanel("level"), FieldPanel("site"), FieldPanel("amount"),
             FieldPanel("max_amount"), FieldPanel("reminders"), FieldPanel("note")],
            base_form_class=DeadlineSettingForm,
        )  # fmt: skip

    def _rule(self, obj):
        try:
            return deadlines.get_rule(obj.rule)
        except LookupError:
            return None

    def rule_label(self, obj):
        rule = self._rule(obj)
        return rule.label if rule else obj.rule

    rule_label.short_description = _("时限规则")

    def scope(self, obj):
        if obj.site_id:
            profile = getattr(obj.site, "profile", None)
            return profile.name if profile else obj.site.site_name
        return Level(obj.level).label if obj.level else _("全部层级")

    scope.short_description = _("适用范围")

    def limit(self, obj):
        rule = self._rule(obj)
        return f"{obj.amount}{DeadlineUnit(rule.unit).label}" if rule else obj.amount

    limit.short_description = _("期限")

    def max_limit(self, obj):
        return obj.max_amount or "-"

    max_limit.short_description = _("经批准最长期限")

    def source(self, obj):
        rule = self._rule(obj)
        return rule.source if rule else ""

    source.short_description = _("依据")


modeladmin_register(DeadlineSettingAdmin)
