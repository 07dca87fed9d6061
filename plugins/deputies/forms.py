"""Admin forms of the deputies plugin: private fields and cross-field rules.

Every choice of a deputies record (congress, term, delegation, person…) is
narrowed to the records the user holds on sites with the plugin on by the
core's ``PluginModelForm`` (the default form of every plugin screen), so a
county's staff cannot attach a row to another county's term even by posting
its id: the choice is simply not valid.

The person form carries the three private fields (ID number, mobile, address)
as plain form fields written through the model's encrypting properties. The ID
number is never rendered: the edit form shows it masked and an empty field
keeps it.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cms.plugins.admin import PluginModelForm

from . import models as m
from . import privacy


class PersonForm(PluginModelForm):
    """The public profile, plus the private fields through the encrypting properties."""

    id_number = forms.CharField(
        label=gettext_lazy("身份证号"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    mobile = forms.CharField(
        label=gettext_lazy("手机号码"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("11 位手机号码，不公开。"),
    )
    address = forms.CharField(
        label=gettext_lazy("通讯地址"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=gettext_lazy("不公开。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        person = self.instance
        if person.pk:
            # The registering office does not change; and it may be a site the
            # editing user does not manage (a city deputy edited by a county).
            self.fields.pop("site", None)
            masked = person.id_number_masked
            self.fields["id_number"].help_text = (
                _("当前：%(masked)s，留空则不修改。") % {"masked": masked}
                if masked
                else _("尚未登记。")
            )
            self.initial["mobile"] = person.mobile
            self.initial["address"] = person.address
        else:
            self.fields["id_number"].required = True
            self.fields["id_number"].help_text = _("18 位居民身份证号码，用于识别代表，不公开。")

    def clean_id_number(self):
        value = privacy.normalise_id_number(self.cleaned_data.get("id_number"))
        if not value:
            return ""
        problem = privacy.id_number_problem(value)
        if problem:
            raise forms.ValidationError(_("身份证号%(problem)s。") % {"problem": problem})
        taken = m.Person.objects.filter(id_number_digest=privacy.digest(value))
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("身份证号 %(masked)s 已登记为另一位代表，请勿重复登记。")
                % {"masked": privacy.mask_id_number(value)}
            )
        return value

    def clean_mobile(self):
        value = re.sub(r"[\s-]", "", self.cleaned_data.get("mobile") or "")
        if value and not re.fullmatch(r"1\d{10}", value):
            raise forms.ValidationError(_("手机号码应为以 1 开头的 11 位数字。"))
        return value

    def save(self, commit=True):
        person = self.instance
        if self.cleaned_data.get("id_number"):
            person.id_number = self.cleaned_data["id_number"]
        person.mobile = self.cleaned_data.get("mobile", "")
        person.address = self.cleaned_data.get("address", "")
        return super().save(commit=commit)


class LiaisonStationForm(PluginModelForm):
    """Reception weekdays as check boxes, stored as the JSON list of ISO weekdays."""

    reception_weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("固定接待日"),
        choices=m.WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_reception_weekdays(self):
        return sorted(set(self.cleaned_data.get("reception_weekdays") or []))

    def clean(self):
        cleaned = super().clean()
        congress, site = cleaned.get("congress"), cleaned.get("site")
        if congress is not None and site is not None and congress.site_id != site.pk:
            self.add_error("congress", _("所属人民代表大会不在所选站点。"))
        return cleaned


class CongressForm(PluginModelForm):
    """A site hosts the congress of its own division and of its townships (the
    province's site also the national deputies elected in the province), so no
    site can claim a code that belongs to another."""

    def clean(self):
        cleaned = super().clean()
        code, site = cleaned.get("division_code"), cleaned.get("site")
        profile = getattr(site, "profile", None) if site is not None else None
        if not code or profile is None:
            return cleaned
        own = profile.division_code
        if not (
            code == own
            or (len(code) == 9 and code.startswith(own))
            or (code == "100000" and own.endswith("0000"))
        ):
            self.add_error(
                "division_code",
                _("%(site)s只能登记本级（%(own)s）或所辖乡镇的人民代表大会。")
                % {"site": profile.name, "own": own},
            )
        return cleaned
