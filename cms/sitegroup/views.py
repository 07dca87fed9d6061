"""Admin views of the site group: the "新建站点" (create a site) form.

The form validates what ``provision_site`` would refuse (bad or duplicate
code, missing, unknown or wrong-level parent, taken hostname) so the editor
sees field errors instead of a crash; the actual work is ``provision_site``,
the same service the ``create_site`` command and the demo loader call.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic.edit import FormView
from wagtail.admin import messages
from wagtail.models import Site
from wagtail_modeladmin.views import WMABaseView

from .access import site_access
from .models import Level, SiteProfile, division_code_validator, level_for_code
from .provisioning import SiteSpec, default_hostname, grant_descendant_access, provision_site


class CreateSiteForm(forms.Form):
    division_code = forms.CharField(
        label=_("行政区划代码"),
        max_length=6,
        validators=[division_code_validator],
        help_text=_("GB/T 2260 六位代码,如 340123;层级由代码决定。"),
    )
    name = forms.CharField(label=_("站点名称"), max_length=128, help_text=_("如:肥西县人大常委会"))
    region_name = forms.CharField(label=_("行政区名称"), max_length=64, help_text=_("如:肥西县"))
    short_name = forms.CharField(label=_("简称"), max_length=32, required=False)
    parent = forms.ModelChoiceField(
        label=_("上级站点"),
        queryset=SiteProfile.objects.none(),
        required=False,
        help_text=_("市级站点的上级为省级站点,县级站点的上级为所属市的站点。"),
    )
    hostname = forms.CharField(
        label=_("域名"),
        max_length=255,
        required=False,
        help_text=_("留空则使用“代码.localhost”。"),
    )
    port = forms.IntegerField(label=_("端口"), min_value=1, max_value=65535, initial=80)
    grant_parent_staff = forms.BooleanField(
        label=_("授予上级站点工作人员管理权限"),
        required=False,
        help_text=_("上级站点的编辑、初审、终审组也可管理本站点的页面、图片和文档。"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        parents = SiteProfile.objects.exclude(level=Level.COUNTY)
        if user is not None:
            parents = parents.filter(pk__in=site_access(user).configurable_profiles().values("pk"))
        self.fields["parent"].queryset = parents.order_by("division_code")

    def clean_division_code(self):
        code = self.cleaned_data["division_code"].strip()
        if SiteProfile.objects.filter(division_code=code).exists():
            raise ValidationError(
                _("代码为 %(code)s 的站点已存在。"), code="duplicate", params={"code": code}
            )
        return code

    def clean_hostname(self):
        return self.cleaned_data["hostname"].strip().lower()

    def clean(self):
        data = super().clean()
        code, parent = data.get("division_code"), data.get("parent")
        if not code:
            return data
        level = level_for_code(code)
        if (
            level == Level.PROVINCE
            and self.user is not None
            and not site_access(self.user).manages_site_group
        ):
            self.add_error("division_code", _("只有系统管理员可以创建省级站点。"))
        # The model's own rules: parent presence, parent level, code prefix.
        probe = SiteProfile(division_code=code, level=level, parent=parent)
        try:
            probe.clean()
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        hostname = data.get("hostname") or default_hostname(code)
        port = data.get("port") or 80
        if Site.objects.filter(hostname=hostname, port=port).exists():
            self.add_error(
                "hostname" if data.get("hostname") else None,
                _("域名 %(host)s:%(port)s 已被其他站点使用。") % {"host": hostname, "port": port},
            )
        return data

    def to_spec(self) -> SiteSpec:
        data = self.cleaned_data
        return SiteSpec(
            division_code=data["division_code"],
            name=data["name"].strip(),
            region_name=data["region_name"].strip(),
            short_name=data["short_name"].strip(),
            parent_code=data["parent"].division_code if data.get("parent") else None,
            hostname=data.get("hostname") or None,
            port=data.get("port") or 80,
        )


class CreateSiteView(WMABaseView, FormView):
    """The SiteProfile ModelAdmin's create view: provisions a whole site."""

    form_class = CreateSiteForm
    page_title = _("新建站点")

    def check_action_permitted(self, user):
        return self.permission_helper.user_can_create(user)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_page_subtitle(self):
        return ""

    def get_meta_title(self):
        return gettext("新建站点")

    def get_template_names(self):
        return ["sitegroup/create_site.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("media", forms.Media())
        return context

    def form_valid(self, form):
        try:
            profile, _created = provision_site(form.to_spec())
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc}
            for field, messages_ in errors.items():
                form.add_error(field if field in form.fields else None, messages_)
            return self.form_invalid(form)
        granted = 0
        if form.cleaned_data.get("grant_parent_staff") and profile.parent is not None:
            granted = grant_descendant_access(profile.parent)
        message = gettext("已创建站点“%(name)s”(%(code)s)。") % {
            "name": profile.name,
            "code": profile.division_code,
        }
        if granted:
            message += gettext("上级站点工作人员已获得管理权限。")
        messages.success(self.request, message)
        return redirect(self.index_url)

    def form_invalid(self, form):
        messages.validation_error(self.request, gettext("站点未能创建,请更正下列错误。"), form)
        return self.render_to_response(self.get_context_data(form=form))
