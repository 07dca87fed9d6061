"""Admin of 委员联系代表: members, assignments (bulk), contact log, invitations (invite,
attendance), the coverage view with its chart, and printable QR cards of a station's deputies.

Imported by ``wagtail_hooks.py`` (one line); its own menu group, 委员联系代表.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail_modeladmin.options import modeladmin_register

from cms.plugins import site_access
from cms.plugins.admin import (
    PluginCreateView,
    PluginEditView,
    PluginModelAdmin,
    PluginModelAdminGroup,
    PluginModelForm,
    SiteListFilter,
)
from cms.services import directory

from . import committee_charts, committee_coverage, committee_logic, committee_qr
from .committee import (
    Assignment,
    CommitteeMember,
    Contact,
    Invitation,
    InviteeResponse,
)

LABEL = committee_logic.LABEL


def held_profiles(request, perm: str) -> list:
    """The user's sites with the plugin on (highest first); 404 without ``perm``."""
    if not request.user.has_perm(perm):
        raise Http404
    held = site_access(request).plugin_site_ids(LABEL)
    if not held:
        raise Http404
    from wagtail.models import Site

    profiles = [s.profile for s in Site.objects.filter(pk__in=held).select_related("profile")
                if hasattr(s, "profile")]  # fmt: skip
    # Each site's depth from one read of the parent links (not a walk up per site).
    parent = dict(type(profiles[0]).objects.values_list("pk", "parent_id")) if profiles else {}

    def depth_of(pk) -> int:
        depth, seen = 0, {pk}
        while (pk := parent.get(pk)) is not None and pk not in seen:
            depth, seen = depth + 1, seen | {pk}
        return depth

    profiles.sort(key=lambda p: (depth_of(p.pk), p.division_code))
    return profiles


# --- committee members -------------------------------------------------------------


class CommitteeMemberForm(PluginModelForm):
    """The account: a staff account of the office's sites, or a deputy's account of a
    current deputy of those sites (never anyone else's)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("user")
        if field is None or self.for_user is None:
            return
        held = site_access(self.for_user).plugin_site_ids(LABEL)
        from wagtail.models import Site

        groups, refs = [], []
        for site in Site.objects.filter(pk__in=held, profile__isnull=False).select_related(
            "profile"
        ):
            profile = site.profile
            groups += [profile.editors_group_id, profile.first_reviewers_group_id,
                       profile.final_reviewers_group_id]  # fmt: skip
            refs += [p.ref for p in directory.deputies(profile.site_id)]
        field.queryset = (
            get_user_model().objects.filter(is_active=True)
            .filter(Q(groups__in=[g for g in groups if g]) | Q(account__directory_ref__in=refs))
            .distinct().order_by("username")
        )  # fmt: skip
        field.label_from_instance = lambda u: u.get_full_name() or u.get_username()


class CommitteeMemberAdmin(PluginModelAdmin):
    model = CommitteeMember
    menu_label = _("常委会组成人员")
    menu_icon = "user"
    list_display = ("name", "post", "term", "site", "is_active", "deputies_count")
    list_filter = (SiteListFilter, "is_active", "term")
    search_fields = ("name",)
    list_select_related = ("site",)
    edit_handler = ObjectList(
        [FieldPanel("site"), FieldPanel("user"), FieldPanel("name"), FieldPanel("post"),
         FieldPanel("term"), FieldPanel("is_active")],
        base_form_class=CommitteeMemberForm,
    )  # fmt: skip

    def get_queryset(self, request):
        today = timezone.localdate()
        active = Q(assignments__ended_on__isnull=True) | Q(assignments__ended_on__gte=today)
        return (
            super().get_queryset(request).annotate(n_deputies=Count("assignments", filter=active))
        )

    def deputies_count(self, obj):
        return format_html('<a href="{}?member={}">{} 名</a>',
                           reverse("liaison_committee_assign"), obj.pk, obj.n_deputies)  # fmt: skip

    deputies_count.short_description = _("联系代表")


# --- assignments (bulk) ---------------------------------------------------------


class AssignForm(forms.Form):
    member = forms.ModelChoiceField(label="常委会组成人员", queryset=CommitteeMember.objects.none())
    deputies = forms.MultipleChoiceField(label="联系代表", required=False,
                                         widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args, members, deputies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["deputies"].choices = deputies


def assign_view(request):
    """分配联系代表: a member and checkboxes of the site's current deputies (several at once)."""
    profiles = held_profiles(request, "liaison.add_assignment")
    ids = [p.site_id for p in profiles]
    members = CommitteeMember.objects.filter(site_id__in=ids, is_active=True).select_related("site")
    chosen = members.filter(pk=request.POST.get("member") or request.GET.get("member")).first()
    choices, taken = [], {}
    if chosen is not None:
        taken = {a.deputy_ref: a.member.name for a in committee_logic.active_assignments()
                 .filter(site_id=chosen.site_id).select_related("member")}  # fmt: skip
        for person in directory.deputies(chosen.site_id):
            note = f"(已由{taken[person.ref]}联系)" if person.ref in taken else ""
            choices.append((person.ref, f"{person.name}{note}"))
    mine = (
        set(committee_logic.active_assignments().filter(member=chosen)
            .values_list("deputy_ref", flat=True)) if chosen else set()
    )  # fmt: skip
    form = AssignForm(request.POST or None, members=members, deputies=choices,
                      initial={"member": chosen, "deputies": sorted(mine)})  # fmt: skip
    if request.method == "POST" and chosen is not None and form.is_valid():
        wanted = set(form.cleaned_data["deputies"])
        try:
            committee_logic.assign(chosen, sorted(wanted - mine), user=request.user)
        except ValidationError as error:
            form.add_error("deputies", error.message_dict.get("deputies", error.messages))
        else:
            for row in committee_logic.active_assignments().filter(
                member=chosen, deputy_ref__in=mine - wanted
            ):
                committee_logic.end_assignment(row, user=request.user)
            messages.success(request, f"已更新{chosen.name}联系的代表。")
            return redirect(f"{reverse('liaison_committee_assign')}?member={chosen.pk}")
    context = {"form": form, "member": chosen, "minimum": committee_logic.setting("YEARLY_MIN_CONTACTS"),
               "limit": committee_logic.setting("MAX_DEPUTIES_PER_MEMBER")}  # fmt: skip
    return TemplateResponse(request, "liaison/committee/assign.html", context)


class AssignmentAdmin(PluginModelAdmin):
    model = Assignment
    menu_label = _("联系代表")
    menu_icon = "group"
    list_display = ("member", "deputy_name", "assigned_on", "ended_on", "site")
    list_filter = (SiteListFilter, "ended_on")
    search_fields = ("deputy_name", "member__name")
    list_select_related = ("site", "member")
    # Only ending it is edited here; assigning is the bulk screen.
    edit_handler = ObjectList([FieldPanel("ended_on")])

    def create_view(self, request):
        return assign_view(request)


# --- contact log ---------------------------------------------------------------------


class ContactCreateView(PluginCreateView):
    def get_instance(self):
        instance = super().get_instance()
        instance.source = Contact.Source.OFFICE
        instance.recorded_by = self.request.user
        return instance

    def get_form(self):
        form = super().get_form()
        field = form.fields.get("assignment")
        if field is not None:
            field.queryset = field.queryset.filter(
                Q(ended_on__isnull=True) | Q(ended_on__gte=timezone.localdate())
            ).select_related("member")
        return form


class ContactForm(PluginModelForm):
    def _post_clean(self):
        # The site follows the assignment (Contact.save); the form has no site field.
        if self.instance.assignment_id:
            self.instance.site_id = self.instance.assignment.site_id
        super()._post_clean()


class ContactAdmin(PluginModelAdmin):
    """The contact log; the office records contacts on a member's behalf (audited by the
    admin's log as every create and edit)."""

    model = Contact
    menu_label = _("联系记录")
    menu_icon = "list-ul"
    list_display = ("date", "kind", "assignment", "source", "site")
    list_filter = (SiteListFilter, "kind", "source")
    search_fields = ("assignment__deputy_name", "assignment__member__name", "issues")
    list_select_related = ("site__profile", "assignment__member")
    create_view_class = ContactCreateView
    edit_view_class = PluginEditView
    # The log as the list shows it (filters, search, the user's sites): no account, no
    # citizen; what the member or the office wrote of the contact.
    list_export = ("date", "kind", "member_name", "member_post", "deputy_name", "issues",
                   "follow_up", "source", "site_name")  # fmt: skip
    export_filename = "liaison-contacts"
    edit_handler = ObjectList(
        [FieldPanel("assignment"), FieldPanel("kind"), FieldPanel("date"), FieldPanel("issues"),
         FieldPanel("follow_up")],
        base_form_class=ContactForm,
    )  # fmt: skip

    def member_name(self, obj):
        return obj.assignment.member.name

    member_name.short_description = _("组成人员")

    def member_post(self, obj):
        return obj.assignment.member.post

    member_post.short_description = _("职务")

    def deputy_name(self, obj):
        return obj.assignment.deputy_name

    deputy_name.short_description = _("代表")

    def site_name(self, obj):
        profile = getattr(obj.site, "profile", None)
        return profile.name if profile else str(obj.site)

    site_name.short_description = _("站点")


# --- invitations ---------------------------------------------------------------------


class InvitationAdmin(PluginModelAdmin):
    model = Invitation
    menu_label = _("列席和活动邀请")
    menu_icon = "date"
    list_display = ("date", "kind", "title", "capacity", "site", "manage")
    list_filter = (SiteListFilter, "kind")
    search_fields = ("title",)
    list_select_related = ("site",)
    edit_handler = ObjectList(
        [FieldPanel("site"), FieldPanel("kind"), FieldPanel("title"), FieldPanel("date"),
         FieldPanel("place"), FieldPanel("capacity"), FieldPanel("description")]
    )  # fmt: skip

    def manage(self, obj):
        return format_html('<a class="button button-small" href="{}">邀请与出席</a>',
                           reverse("liaison_committee_invitation", args=[obj.pk]))  # fmt: skip

    manage.short_description = _("操作")


class InviteForm(forms.Form):
    deputies = forms.MultipleChoiceField(label="邀请代表", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].choices = choices


def invitation_view(request, pk: int):
    """邀请与出席: invite current deputies; after the day, record who attended."""
    profiles = held_profiles(request, "liaison.change_invitation")
    invitation = get_object_or_404(
        Invitation, pk=pk, site_id__in=[p.site_id for p in profiles]
    )  # fmt: skip
    invitees = list(invitation.invitees.order_by("deputy_name", "pk"))
    have = {i.deputy_ref for i in invitees}
    choices = [(p.ref, p.name) for p in directory.deputies(invitation.site_id) if p.ref not in have]
    form = InviteForm(request.POST if "invite" in request.POST else None, choices=choices)
    held_on = invitation.date <= timezone.localdate()
    if request.method == "POST" and "invite" in request.POST and form.is_valid():
        try:
            new = committee_logic.invite(
                invitation, form.cleaned_data["deputies"], user=request.user
            )
        except ValidationError as error:
            form.add_error("deputies", error.messages)
        else:
            messages.success(request, f"已邀请 {len(new)} 名代表，并通知了他们。")
            return redirect("liaison_committee_invitation", pk=invitation.pk)
    if request.method == "POST" and "attendance" in request.POST:
        if not held_on:
            raise PermissionDenied
        try:
            for invitee in invitees:
                value = request.POST.get(f"attended-{invitee.pk}", "")
                if value in ("yes", "no") and (value == "yes") != invitee.attended:
                    committee_logic.record_attendance(invitee, value == "yes", user=request.user)
        except ValidationError as error:
            messages.error(request, "".join(error.messages))
        else:
            messages.success(request, "已登记出席情况，出席已记入代表履职档案。")
        return redirect("liaison_committee_invitation", pk=invitation.pk)
    registered = sum(1 for i in invitees if i.response == InviteeResponse.REGISTERED)
    context = {"invitation": invitation, "invitees": invitees, "form": form,
               "registered": registered, "held_on": held_on}  # fmt: skip
    return TemplateResponse(request, "liaison/committee/invitation.html", context)


# --- coverage ------------------------------------------------------------------------


class CoverageForm(forms.Form):
    site = forms.ChoiceField(label="范围", required=False)
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, profiles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(p.division_code, f"{p.name}(含下级)") for p in profiles]


def show(figure: dict) -> str:
    if figure["percent"] is None:
        return "—(0/0)"
    return f"{figure['percent']}%({figure['numerator']}/{figure['denominator']})"


def coverage_view(request):
    """联系覆盖情况: uncontacted this year, per site (rolled up) and per member, and a chart."""
    profiles = held_profiles(request, "liaison.view_assignment")
    form = CoverageForm(request.GET or None, profiles=profiles)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    code = data.get("site") or profiles[0].division_code
    scope = next(p for p in profiles if p.division_code == code)
    allowed = site_access(request).plugin_site_ids(LABEL)
    figures = committee_coverage.coverage(scope, allowed=allowed, year=data.get("year"))
    for row in [figures["total"], *figures["sites"], *figures["members"]]:
        row["cells"] = [str(row["assigned"]), show(row["contacted"]), show(row["uncontacted"]),
                        show(row["met_minimum"]), show(row["deputies_contacted"])]  # fmt: skip
    labels = [r["site"]["name"] for r in figures["sites"]]
    chart = committee_charts.coverage(labels, figures["sites"]) if labels else ""
    context = {"form": form, "figures": figures, "chart": chart}
    return TemplateResponse(request, "liaison/committee/coverage.html", context)


def behind_view(request):
    """未按期联系: the assignments whose contact is due (``CONTACT_INTERVAL_MONTHS``), over
    the user's sites, with the reminder sent to the member for the period."""
    from . import committee_reminders

    profiles = held_profiles(request, "liaison.view_assignment")
    rows = committee_reminders.behind([p.site_id for p in profiles])
    context = {"rows": rows, "interval": committee_logic.setting("CONTACT_INTERVAL_MONTHS"),
               "minimum": committee_logic.setting("YEARLY_MIN_CONTACTS"),
               "today": timezone.localdate()}  # fmt: skip
    return TemplateResponse(request, "liaison/committee/behind.html", context)


# --- printable QR cards --------------------------------------------------------------


class CardsForm(forms.Form):
    station = forms.ChoiceField(label="联络站")

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].choices = [(s.ref, s.name) for s in stations]


def cards_view(request):
    """代表二维码卡片: a station's deputies on A4 (name, photo, station, QR code), to print."""
    profiles = held_profiles(request, "liaison.view_assignment")
    by_site = {p.site_id: p for p in profiles}
    stations = [s for p in profiles for s in directory.stations(site_id=p.site_id)]
    form = CardsForm(request.GET or None, stations=stations)
    station = None
    cards = []
    if form.is_bound and form.is_valid():
        station = next(s for s in stations if s.ref == form.cleaned_data["station"])
        profile = by_site[station.site_id]
        current = committee_logic.current_deputies(station.site_id)
        people = [current[r] for r in station.deputies if r in current]
        photos = _photos([p.photo_id for p in people if p.photo_id])
        for person in sorted(people, key=lambda p: p.name):
            cards.append({
                "name": person.name, "photo": photos.get(person.photo_id),
                "qr": committee_qr.svg_inline(person.ref, profile.division_code),
                "url": committee_qr.write_url(person.ref, profile.division_code),
            })  # fmt: skip
    context = {"form": form, "station": station, "cards": cards}
    return TemplateResponse(request, "liaison/committee/cards.html", context)


def _photos(ids: list[int]) -> dict[int, str]:
    from wagtail.images import get_image_model

    urls = {}
    for image in get_image_model().objects.filter(pk__in=ids):
        urls[image.pk] = image.get_rendition("fill-240x320").url
    return urls


# --- registration --------------------------------------------------------------------


@modeladmin_register
class CommitteeAdminGroup(PluginModelAdminGroup):
    menu_label = _("委员联系代表")
    menu_icon = "group"
    menu_order = 520
    items = (CommitteeMemberAdmin, AssignmentAdmin, ContactAdmin, InvitationAdmin)


class CoverageMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("liaison.view_assignment") and bool(
            site_access(request).plugin_site_ids(LABEL)
        )


@hooks.register("register_admin_menu_item")
def register_coverage_menu_item():
    return CoverageMenuItem(_("联系覆盖情况"), reverse("liaison_committee_coverage"),
                            icon_name="table", order=521)  # fmt: skip


@hooks.register("register_admin_menu_item")
def register_cards_menu_item():
    return CoverageMenuItem(_("代表二维码卡片"), reverse("liaison_committee_cards"),
                            icon_name="doc-full", order=522)  # fmt: skip


@hooks.register("register_admin_menu_item")
def register_behind_menu_item():
    return CoverageMenuItem(_("未按期联系"), reverse("liaison_committee_behind"),
                            icon_name="warning", order=523)  # fmt: skip


@hooks.register("register_admin_urls")
def register_urls():
    from .committee_downloads import cards_pdf_view, coverage_export_view

    return [
        path("liaison/committee/assign/", assign_view, name="liaison_committee_assign"),
        path("liaison/committee/invitations/<int:pk>/", invitation_view,
             name="liaison_committee_invitation"),
        path("liaison/committee/coverage/", coverage_view, name="liaison_committee_coverage"),
        path("liaison/committee/coverage/export/", coverage_export_view,
             name="liaison_committee_coverage_export"),
        path("liaison/committee/behind/", behind_view, name="liaison_committee_behind"),
        path("liaison/committee/cards/", cards_view, name="liaison_committee_cards"),
        path("liaison/committee/cards/pdf/", cards_pdf_view, name="liaison_committee_cards_pdf"),
    ]  # fmt: skip
