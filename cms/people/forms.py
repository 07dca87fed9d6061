"""Wagtail's user forms with the person behind the account: 姓名 and 单位 (StaffProfile).

They replace Wagtail's "first name" and "last name" (a Chinese office gives one
姓名, and the admin names people by the profile). Creating an account asks for
the name; editing one keeps an existing name required, and an account without
a profile (an API or a resident's account) may stay without one.
"""

from __future__ import annotations

from django import forms
from wagtail.users.forms import UserCreationForm, UserEditForm

from .models import StaffProfile

PERSON_FIELDS = ("name", "unit")
_person = forms.fields_for_model(StaffProfile, fields=PERSON_FIELDS)


class PersonMixin:
    """Shows and saves the account's ``StaffProfile`` beside the user's own fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.profile = profile_of(self.instance)
        if self.profile is not None:
            for name in PERSON_FIELDS:
                self.initial.setdefault(name, getattr(self.profile, name))
        elif self.instance.pk:
            self.fields["name"].required = False

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            self.save_person(user)
        else:
            save_m2m = self.save_m2m

            def save_m2m_and_person():
                save_m2m()
                self.save_person(user)

            self.save_m2m = save_m2m_and_person
        return user

    def save_person(self, user) -> None:
        name, unit = self.cleaned_data.get("name", ""), self.cleaned_data.get("unit", "")
        if name:
            StaffProfile.objects.update_or_create(user=user, defaults={"name": name, "unit": unit})


def profile_of(user) -> StaffProfile | None:
    if user.pk is None:
        return None
    return StaffProfile.objects.filter(user=user).first()


class StaffUserCreationForm(PersonMixin, UserCreationForm):
    name = _person["name"]
    unit = _person["unit"]
    first_name = None
    last_name = None

    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields - {"first_name", "last_name"}


class StaffUserEditForm(PersonMixin, UserEditForm):
    name = _person["name"]
    unit = _person["unit"]
    first_name = None
    last_name = None

    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields - {"first_name", "last_name"}
