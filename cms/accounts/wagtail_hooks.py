"""Admin: 设置 → 承办单位, each site's handling units, their staff and who signs off.

A unit's staff are user accounts in the group "承办单位工作人员" (created
by this app's migration: admin access and nothing else); the unit's form
offers only those users. What a unit's staff then see is decided by the
plugins that assign items to units (``cms.services.accounts.units_of``).
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail_modeladmin.options import modeladmin_register

from cms.sitegroup.admin import SiteOwnedModelAdmin

from .models import HandlingUnit

UNIT_STAFF_GROUP = "承办单位工作人员"


class HandlingUnitForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "members" in self.fields:
            self.fields["members"].queryset = (
                get_user_model().objects.filter(groups__name=UNIT_STAFF_GROUP, is_active=True)
                .order_by("last_name", "first_name", "username")
            )  # fmt: skip
            self.fields["members"].help_text = _("可选用户为“%(group)s”组中的账号。") % {
                "group": UNIT_STAFF_GROUP
            }
            if "signers" in self.fields:
                self.fields["signers"].queryset = self.fields["members"].queryset

    def clean(self):
        data = super().clean()
        members, signers = data.get("members"), data.get("signers")
        if members is not None and signers is not None:
            outside = set(signers) - set(members)
            if outside:
                names = "、".join(sorted(u.get_full_name() or u.get_username() for u in outside))
                self.add_error(
                    "signers", _("签发领导须是本单位的工作人员:%(names)s") % {"names": names}
                )
        return data


class HandlingUnitAdmin(SiteOwnedModelAdmin):
    model = HandlingUnit
    menu_label = _("承办单位")
    menu_icon = "group"
    menu_order = 905
    add_to_settings_menu = True
    list_display = ("name", "kind", "site", "contact_phone", "active")
    list_filter = ("kind", "active")
    search_fields = ("name",)
    edit_handler = ObjectList(
        [
            FieldPanel("site"),
            FieldPanel("name"),
            FieldPanel("kind"),
            FieldPanel("contact_phone"),
            FieldPanel("members", widget=forms.CheckboxSelectMultiple),
            FieldPanel("signers", widget=forms.CheckboxSelectMultiple),
            FieldPanel("active"),
        ],
        base_form_class=HandlingUnitForm,
    )


modeladmin_register(HandlingUnitAdmin)
