"""Admin forms a plugin shares with the others (public plugin API).

:class:`AudienceForm` composes an audience (``cms.services.audience``) in an office's
admin page: every rule the service knows, its choices from ``audience.options(site)``,
named accounts by user name. A plugin whose records have an audience (resources,
training) shows it and saves ``form.spec()`` with ``audience.save``::

    form = AudienceForm(request.POST or None, site_id=item.site_id,
                        initial=AudienceForm.initial_for(item.audience))
    if request.method == "POST" and form.is_valid():
        audience.save(form.spec(), site=item.site, audience=item.audience)
"""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model

from cms.services import audience as audiences

#: The fields listing the site's own choices (a list box each, sized to its choices).
_LISTS = ("congresses", "terms", "delegations", "groups", "staff_sites", "townships", "deputies")


class AudienceForm(forms.Form):
    levels = forms.MultipleChoiceField(label="代表层级", required=False,
                                       widget=forms.CheckboxSelectMultiple,
                                       help_text="本站点及下级站点的人民代表大会中该层级的在任代表")  # fmt: skip
    congresses = forms.MultipleChoiceField(label="人民代表大会", required=False)
    terms = forms.MultipleChoiceField(label="届次", required=False)
    delegations = forms.MultipleChoiceField(label="代表团", required=False)
    groups = forms.MultipleChoiceField(label="代表小组", required=False)
    staff_sites = forms.MultipleChoiceField(label="站点工作人员", required=False,
                                            help_text="该站点编辑、初审、终审组的成员")  # fmt: skip
    townships = forms.MultipleChoiceField(label="乡镇人大工作人员", required=False,
                                          help_text="在该乡镇栏目上有权限的用户组的成员")  # fmt: skip
    deputies = forms.MultipleChoiceField(label="指定代表", required=False)
    usernames = forms.CharField(label="指定账号", required=False,
                                help_text="用户名,以逗号或空格分隔")  # fmt: skip
    include_former = forms.BooleanField(label="含已离任的代表", required=False)

    def __init__(self, *args, site_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.site_id = site_id
        found = audiences.options(site_id)
        for name in ("levels", "congresses", "terms", "delegations", "groups", "townships",
                     "deputies"):  # fmt: skip
            self.fields[name].choices = getattr(found, name)
        self.fields["staff_sites"].choices = [(str(v), label) for v, label in found.staff_sites]
        for name in _LISTS:
            self.fields[name].widget.attrs["size"] = min(8, max(3, len(self.fields[name].choices)))

    @classmethod
    def initial_for(cls, audience) -> dict:
        """The form's initial values for a stored audience (``None``: an empty form)."""
        spec = audiences.spec_of(audience) if audience is not None else audiences.AudienceSpec()
        users = get_user_model().objects.filter(pk__in=spec.users).order_by("username")
        return {
            "levels": list(spec.levels), "congresses": list(spec.congresses),
            "terms": list(spec.terms), "delegations": list(spec.delegations),
            "groups": list(spec.groups), "staff_sites": [str(s) for s in spec.staff_sites],
            "townships": list(spec.townships), "deputies": list(spec.deputies),
            "include_former": spec.include_former,
            "usernames": " ".join(u.get_username() for u in users),
        }  # fmt: skip

    def clean(self):
        data = super().clean()
        names = [n for n in re.split(r"[\s,，、;；]+", data.get("usernames") or "") if n]
        found = dict(
            get_user_model()
            .objects.filter(username__in=names, is_active=True)
            .values_list("username", "pk")
        )
        missing = [n for n in names if n not in found]
        if missing:
            self.add_error("usernames", f"没有这些账号:{'、'.join(missing)}")
        data["users"] = tuple(found[n] for n in names if n in found)
        return data

    def spec(self) -> audiences.AudienceSpec:
        data = self.cleaned_data
        return audiences.AudienceSpec(
            levels=tuple(data["levels"]), congresses=tuple(data["congresses"]),
            terms=tuple(data["terms"]), delegations=tuple(data["delegations"]),
            groups=tuple(data["groups"]), staff_sites=tuple(int(s) for s in data["staff_sites"]),
            townships=tuple(data["townships"]), users=data["users"],
            deputies=tuple(data["deputies"]), include_former=data["include_former"],
        )  # fmt: skip
