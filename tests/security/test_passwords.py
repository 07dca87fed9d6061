"""Password complexity and history, as a user meets them changing their password."""

from django.contrib.auth import get_user_model
from django.test import Client


def named(user):
    get_user_model().objects.filter(pk=user.pk).update(
        first_name="测试", last_name="用户", email=f"{user.username}@example.com"
    )
    return user


URL = "/admin/account/"


def _account_form_data(client) -> dict:
    """What the account page's forms hold now, as the browser would send it back."""
    page = client.get(URL)
    data = {}
    for panels in page.context["panels_by_tab"].values():
        for panel in panels:
            form = panel.get_form()
            for name in form.fields:
                value = form[name].value()
                if value is None or name.endswith("password1") or name.endswith("password2"):
                    continue
                data[form.add_prefix(name)] = value
    return data


def change(client, old, new):
    data = _account_form_data(client)
    data.update(
        {
            "password-old_password": old,
            "password-new_password1": new,
            "password-new_password2": new,
        }
    )
    return client.post(URL, {k: v for k, v in data.items() if v not in (None, "")})


def errors(response) -> str:
    for panels in response.context["panels_by_tab"].values():
        for panel in panels:
            if panel.name == "password":
                form = panel.get_form()
                form.is_valid()
                return " ".join(str(e) for e in form.errors.get("new_password2", []))
    return ""


def test_a_simple_password_is_refused_and_a_complex_one_accepted(site_group, make_user):
    user = named(make_user("pw-editor", site_group["340123"].editors_group))
    client = Client()
    client.force_login(user)
    response = change(client, "pw-lianxi-test", "onlylowercaseletters")
    assert "至少 3 类" in errors(response)
    response = change(client, "pw-lianxi-test", "Short1!")
    assert "10" in errors(response)  # under 10 characters
    response = change(client, "pw-lianxi-test", "Lianxi-2026-ok")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Lianxi-2026-ok")


def test_the_last_five_passwords_cannot_be_used_again(site_group, make_user, settings):
    user = named(
        make_user("pw-history", site_group["340123"].editors_group, password="Initial-Lianxi-1")
    )
    client = Client()
    client.force_login(user)
    passwords = ["Initial-Lianxi-1", *(f"Rotate-{i}-Lianxi" for i in range(5))]
    for old, new in zip(passwords, passwords[1:], strict=False):
        assert change(client, old, new).status_code == 302
        client.force_login(get_user_model().objects.get(pk=user.pk))
    # The 1st of the 5 most recent, and the current one, are refused; the 6th-last is not.
    for reused in ("Rotate-0-Lianxi", "Rotate-4-Lianxi"):
        assert "最近 5 次" in errors(change(client, "Rotate-4-Lianxi", reused))
    assert change(client, "Rotate-4-Lianxi", "Initial-Lianxi-1").status_code == 302
