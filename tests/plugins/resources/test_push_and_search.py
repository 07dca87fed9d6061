"""New items are pushed to their audience only; search never gives a title to an outsider."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cms.notifications.models import Notification
from cms.services import audience as audiences
from cms.services import notifications
from plugins.resources import service
from plugins.resources.models import Receipt

from .conftest import api, make_resource, staff_auth

pytestmark = pytest.mark.django_db
TITLE = "关于全县财政预算执行情况的专题报告"


def _notified(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("user__account__display_name",
                                                                  flat=True))  # fmt: skip


def test_publication_is_pushed_to_the_audience_only(feixi, people, office,
                                                    django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        resource = make_resource(feixi, TITLE)
    assert _notified("resources.published") == {"张伟", "孙丽"}
    note = Notification.objects.filter(kind="resources.published").first()
    assert TITLE in note.subject and note.url.endswith(f"id={resource.pk}&site=340123")
    assert set(Receipt.objects.filter(resource=resource).values_list("name", flat=True)) == {
        "张伟", "孙丽"
    }  # fmt: skip
    assert not Receipt.objects.filter(notified_at__isnull=True).exists()
    # The push may run again (a retried task): nobody hears twice.
    service.push.call(resource.pk)
    assert Notification.objects.filter(kind="resources.published").count() == 2


def test_the_push_is_digest_capable(people):
    user = people["张伟"].user
    assert notifications.effective_mode(user, "resources.published", "email") == "digest"
    notifications.set_preference(user, "resources.published", "wechat", "digest")
    assert notifications.effective_mode(user, "resources.published", "wechat") == "digest"


def test_reminders_go_to_the_unread_only_once_a_day(client, feixi, people,
                                                    django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        resource = make_resource(feixi, TITLE)
    client.get(api(f"{resource.pk}/"), **people["张伟"].auth)  # 张伟 has read it
    assert service.remind_unread(resource, None) == 1
    assert _notified("resources.reminder") == {"孙丽"}
    assert service.remind_unread(resource, None) == 0  # not twice the same day
    assert Receipt.objects.get(resource=resource, name="孙丽").reminders == 1


def test_a_later_audience_change_pushes_to_the_new_members(feixi, people,
                                                           django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        resource = make_resource(feixi, TITLE)
        service.set_audience(resource, audiences.AudienceSpec(
            levels=("county",), deputies=(people["李芳"].ref,)), None)  # fmt: skip
    assert _notified("resources.published") == {"张伟", "孙丽", "李芳"}


def test_the_site_search_gives_a_resource_title_to_its_audience_only(client, feixi, people,
                                                                     changfeng_staff):  # fmt: skip
    make_resource(feixi, TITLE, summary="专题报告")
    call_command("rebuild_search", "--no-progress", stdout=None)
    outsiders = ({}, people["李芳"].auth, people["王强"].auth, staff_auth(changfeng_staff))
    for code, scope in (("340123", "site"), ("340000", "descendants")):
        for route in ("/api/v1/search/", "/api/v1/search/suggest/"):
            query = {"q": "财政预算", "site": code, "scope": scope}
            for auth in outsiders:
                response = client.get(route, query, **auth)
                assert response.status_code == 200
                assert response.json()["results"] == [], (code, route)
                assert "财政预算" not in str(response.json().get("facets")), (code, route)
            mine = client.get(route, query, **people["张伟"].auth)
            assert [hit["title"] for hit in mine.json()["results"]] == [TITLE], (code, route)


def test_searching_resources_finds_only_what_the_viewer_may_see(client, feixi, people,
                                                                changfeng_staff):  # fmt: skip
    mine = make_resource(feixi, TITLE)
    make_resource(feixi, "市级预算草案说明", spec=audiences.AudienceSpec(levels=("municipal",)))
    found = client.get(api("", q="预算"), **people["张伟"].auth).json()
    assert [r["id"] for r in found["results"]] == [mine.pk]
    for auth in (people["李芳"].auth, people["王强"].auth, staff_auth(changfeng_staff)):
        response = client.get(api("", q="财政预算"), **auth)
        assert response.status_code == 200 and response.json()["count"] == 0
        assert TITLE not in response.content.decode()
    anonymous = client.get(api("", q="财政预算"))
    assert anonymous.status_code == 401 and TITLE not in anonymous.content.decode()
