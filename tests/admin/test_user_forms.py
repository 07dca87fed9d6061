"""设置 → 用户: Wagtail's user forms carry the person (姓名, 单位), within the roles' rules."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cms.people.models import StaffProfile
from cms.security import roles

from .helpers import client_for

PASSWORD = "Lx-2026-strong!pw"
ADD = reverse("wagtailusers_users:add")
INDEX = reverse("wagtailusers_users:index")


def edit_url(user) -> str:
    return reverse("wagtailusers_users:edit", args=(user.pk,))


def account(username, **extra):
    return {"username": username, "email": f"{username}@example.org", "name": "", "unit": "",
            "password1": "", "password2": "", **extra}  # fmt: skip


@pytest.fixture
def admins(db, make_user):
    groups = roles.ensure_roles()
    return {
        "security": make_user("uf-security", groups[roles.SECURITY]),
        "system": make_user("uf-system", groups[roles.SYSTEM]),
    }


def test_creating_an_account_saves_its_person(admins):
    client = client_for(admins["security"])
    form = client.get(ADD).content.decode()
    assert 'name="name"' in form and 'name="unit"' in form
    assert 'name="first_name"' not in form  # one 姓名, not a western first and last name

    data = account("li-xiaomei", name="李晓梅", unit="肥西县人大常委会办公室",
                   password1=PASSWORD, password2=PASSWORD)  # fmt: skip
    response = client.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    user = get_user_model().objects.get(username="li-xiaomei")
    assert (user.staff_profile.name, user.staff_profile.unit) == (
        "李晓梅",
        "肥西县人大常委会办公室",
    )

    listing = client.get(INDEX, {"q": "李晓梅"}).content.decode()
    assert "李晓梅(肥西县人大常委会办公室)" in listing
    by_name = client.get(INDEX, {"ordering": "-name"})  # by the profile's name
    assert by_name.status_code == 200 and "李晓梅(" in by_name.content.decode()


def test_a_name_is_required_for_a_new_account(admins):
    client = client_for(admins["security"])
    data = account("no-name", password1=PASSWORD, password2=PASSWORD)
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="no-name").exists()


def test_editing_an_account_shows_and_changes_its_person(admins, make_user):
    user = make_user("wang-jianhua")
    StaffProfile.objects.create(user=user, name="王建华", unit="肥西县人大常委会研究室")
    client = client_for(admins["security"])
    form = client.get(edit_url(user)).content.decode()
    assert 'value="王建华"' in form and 'value="肥西县人大常委会研究室"' in form

    response = client.post(
        edit_url(user),
        account(
            "wang-jianhua", name="王建华", unit="合肥市人大常委会研究室", is_active="on"
        ),  # fmt: skip
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user.staff_profile.refresh_from_db()
    assert user.staff_profile.unit == "合肥市人大常委会研究室"


def test_an_account_without_person_may_stay_without(admins, make_user):
    user = make_user("api-robot")
    response = client_for(admins["security"]).post(
        edit_url(user), account("api-robot", is_active="on")
    )
    assert response.status_code == 302
    assert not StaffProfile.objects.filter(user=user).exists()
    assert get_user_model().objects.get(pk=user.pk).email == "api-robot@example.org"


def test_only_the_security_role_edits_accounts_and_no_one_but_a_superuser_makes_one(
    admins, make_user
):
    user = make_user("zhao-min")
    system = client_for(admins["system"])
    assert system.get(ADD).status_code != 200
    assert system.get(edit_url(user)).status_code != 200
    assert system.post(edit_url(user), account("zhao-min", name="赵敏")).status_code != 200
    assert not StaffProfile.objects.filter(user=user).exists()

    security = client_for(admins["security"])
    response = security.post(
        edit_url(user), account("zhao-min", name="赵敏", is_active="on", is_superuser="on")
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_superuser  # the 管理员 box is not the security administrator's
    assert user.staff_profile.name == "赵敏"

    installer = make_user("uf-installer", superuser=True)
    assert security.get(edit_url(installer)).status_code != 200
    taken_over = account("uf-installer", password1=PASSWORD, password2=PASSWORD, is_active="on")
    security.post(edit_url(installer), taken_over)
    installer.refresh_from_db()
    assert not installer.check_password(PASSWORD)
    assert client_for(installer).get(edit_url(user)).status_code == 200


def test_the_separate_people_screen_is_gone(make_user):
    client = client_for(make_user("uf-root", superuser=True))
    assert client.get("/admin/people/staffprofile/").status_code == 404
    assert "工作人员姓名与单位" not in client.get("/admin/").content.decode()
