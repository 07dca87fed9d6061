"""设置 → 用户 with each account's person: Wagtail's user screens, through its own
``UserViewSet`` (``cms.people.apps.StaffUsersConfig.user_viewset``).

* The create and edit forms carry 姓名 and 单位 (``cms.people.forms``) instead of
  first and last name; the list names each account "姓名(单位)", searches and
  sorts by the profile's name too.
* Who may: Wagtail's model permissions on users (the 安全管理员 role,
  ``cms.security.roles``). Besides, only a superuser may make or edit a
  superuser: Wagtail lets anyone who may change users tick 管理员 or reset an
  installer's password, which would let the security administrator step out
  of the separated roles.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils.functional import cached_property
from wagtail.users.views import users

from .forms import StaffUserCreationForm, StaffUserEditForm


class IndexView(users.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("staff_profile")

    @cached_property
    def search_fields(self):
        fields = super().search_fields
        if fields is None:  # searched by Wagtail's index, not by the database
            return None
        return [*sorted(fields), "staff_profile__name", "staff_profile__unit"]

    def order_queryset(self, queryset):
        if self.ordering in ("name", "-name"):
            name = F("staff_profile__name")
            name = name.desc(nulls_last=True) if self.ordering == "-name" else name.asc()
            return queryset.order_by(name, "username")
        return super().order_queryset(queryset)


class SuperuserFieldMixin:
    """Only a superuser sees 管理员 as a choice; for others it stays as it is."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "is_superuser" in form.fields and not self.request.user.is_superuser:
            form.fields["is_superuser"].disabled = True
        return form


class CreateView(SuperuserFieldMixin, users.CreateView):
    pass


class EditView(SuperuserFieldMixin, users.EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if self.object.is_superuser and not request.user.is_superuser:
            raise PermissionDenied


class StaffUserViewSet(users.UserViewSet):
    index_view_class = IndexView
    add_view_class = CreateView
    edit_view_class = EditView
    create_template_name = "people/user_create.html"
    edit_template_name = "people/user_edit.html"

    def get_form_class(self, for_update=False):
        return StaffUserEditForm if for_update else StaffUserCreationForm
