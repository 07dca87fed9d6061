"""Audit log entries for logins and permission changes; the word list admin's site isolation."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from wagtail.models import GroupPagePermission, ModelLogEntry

from cms.review.models import SensitiveWord

FEIXI = "340123"


def entries_for(obj, action):
    return ModelLogEntry.objects.filter(
        object_id=str(obj.pk), content_type__model=obj._meta.model_name, action=action
    ).order_by("pk")


def test_login_and_failed_login_are_logged_with_the_site(site_group, make_user):
    feixi = site_group[FEIXI]
    user = make_user("fx-login", feixi.editors_group)
    client = Client(REMOTE_ADDR="203.0.113.7")
    url = reverse("wagtailadmin_login")
    response = client.post(url, {"username": "fx-login", "password": "wrong"})
    assert response.status_code == 200  # the form again, with an error
    response = client.post(url, {"username": "fx-login", "password": "pw-lianxi-test"})
    assert response.status_code == 302
    failed = entries_for(user, "lianxi.login_failed").get()
    login = entries_for(user, "lianxi.login").get()
    assert login.user_id == user.pk
    assert login.data["ip"] == failed.data["ip"] == "203.0.113.7"
    assert login.data["site"] == FEIXI and login.data["sites"] == [FEIXI]
    assert failed.data["site"] == FEIXI and failed.data["username"] == "fx-login"


def test_permission_changes_are_logged(site_group, make_user):
    feixi, changfeng = site_group[FEIXI], site_group["340121"]
    user = make_user("fx-perm")

    user.groups.add(feixi.final_reviewers_group)
    added = entries_for(user, "lianxi.permission_change").get()
    assert added.data["change"] == "user_groups_added"
    assert added.data["groups"] == [feixi.final_reviewers_group.name]
    assert added.data["site"] == FEIXI

    user.groups.remove(feixi.final_reviewers_group)
    assert entries_for(user, "lianxi.permission_change").last().data["change"] == (
        "user_groups_removed"
    )

    # A clear is logged as removing what was there, from either side.
    user.groups.add(feixi.editors_group)
    user.groups.clear()
    cleared = entries_for(user, "lianxi.permission_change").last().data
    assert cleared["change"] == "user_groups_removed"
    assert cleared["groups"] == [feixi.editors_group.name]
    other = make_user("fx-perm-2", feixi.first_reviewers_group)
    feixi.first_reviewers_group.user_set.clear()
    cleared = entries_for(other, "lianxi.permission_change").last().data
    assert cleared["change"] == "user_groups_removed"
    assert cleared["groups"] == [feixi.first_reviewers_group.name]

    group = feixi.editors_group
    perm = Permission.objects.get(codename="publish_page")
    group.permissions.add(perm)
    entry = entries_for(group, "lianxi.permission_change").last()
    assert entry.data["change"] == "group_permissions_added"
    assert entry.data["permissions"] == ["wagtailcore.publish_page"]
    assert entry.data["site"] == FEIXI

    grant = GroupPagePermission.objects.create(
        group=group, page=changfeng.root_page, permission=perm
    )
    entry = entries_for(group, "lianxi.permission_change").last()
    assert entry.data["change"] == "page_permission_added"
    assert entry.data["site"] == "340121"  # the site of the page granted on
    grant.delete()
    entry = entries_for(group, "lianxi.permission_change").last()
    assert entry.data["change"] == "page_permission_removed"


def test_model_log_entries_name_the_site_of_site_owned_records(site_group):
    from wagtail.log_actions import log

    word = SensitiveWord.objects.create(word="某词", site=site_group[FEIXI].site)
    entry = log(instance=word, action="wagtail.create")
    assert entry.data["site"] == FEIXI


@pytest.fixture
def words(site_group):
    return {
        "global": SensitiveWord.objects.create(word="全局词"),
        "feixi": SensitiveWord.objects.create(word="肥西词", site=site_group[FEIXI].site),
        "changfeng": SensitiveWord.objects.create(word="长丰词", site=site_group["340121"].site),
    }


def test_word_admin_shows_own_and_global_words_only(site_group, make_user, words):
    reviewer = make_user("fx-rev", site_group[FEIXI].final_reviewers_group)
    client = Client()
    client.force_login(reviewer)
    response = client.get(reverse("review_sensitiveword_modeladmin_index"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "肥西词" in content and "全局词" in content
    assert "长丰词" not in content
    edit = "review_sensitiveword_modeladmin_edit"
    assert client.get(reverse(edit, args=[words["feixi"].pk])).status_code == 200
    assert client.get(reverse(edit, args=[words["changfeng"].pk])).status_code == 404
    # Global words are read-only: the admin turns the user away (redirect with a message).
    denied = client.get(reverse(edit, args=[words["global"].pk]))
    assert denied.status_code in (302, 403) and denied.get("Location", "") != reverse(
        edit, args=[words["global"].pk]
    )


def test_reviewer_adds_a_word_to_their_site(site_group, make_user):
    feixi = site_group[FEIXI]
    reviewer = make_user("fx-rev2", feixi.first_reviewers_group)
    client = Client()
    client.force_login(reviewer)
    response = client.post(
        reverse("review_sensitiveword_modeladmin_create"),
        {
            "word": "新增词",
            "kind": "sensitive",
            "replacement": "",
            "note": "",
            "site": feixi.site_id,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SensitiveWord.objects.get(word="新增词").site_id == feixi.site_id
