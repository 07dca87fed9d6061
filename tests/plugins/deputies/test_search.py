"""Deputies in the site-group search (/api/v1/search/), from the ``register`` of conftest.py."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from cms.plugins import set_enabled
from plugins.deputies import models as m
from plugins.deputies.privacy import digest
from plugins.deputies.search import KIND, reindex_people
from search.models import SearchEntry

from .conftest import ID_NUMBERS

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # throttle counters and cached responses of other tests
    yield
    cache.clear()


def search(client, site, q, **params):
    cache.clear()  # the same URL is asked again after a change
    response = client.get("/api/v1/search/", {"site": site, "q": q, **params})
    assert response.status_code == 200, response.content
    return [(hit["title"], hit["type"], hit["url"]) for hit in response.json()["results"]]


def test_a_deputy_is_found_by_name_on_every_site_they_sit_for(client, register):
    zhang = register.people["张伟"]
    assert search(client, "340123", "张伟") == [
        ("张伟", KIND, f"/api/v1/deputies/{zhang.pk}/?site=340123")
    ]
    assert search(client, "340100", "张伟") == [
        ("张伟", KIND, f"/api/v1/deputies/{zhang.pk}/?site=340100")
    ]
    # The result's URL is the deputy's detail in the public API.
    assert client.get(f"/api/v1/deputies/{zhang.pk}/?site=340100").status_code == 200
    # A township deputy's URL names the township.
    wang = register.people["王秀英"]
    assert search(client, "340123", "王秀英") == [
        ("王秀英", KIND, f"/api/v1/deputies/{wang.pk}/?site=340123100")
    ]
    # The public profile is searchable too.
    assert ("张伟", KIND) in [hit[:2] for hit in search(client, "340123", "党支部书记")]
    assert search(client, "340123", "陈静") == []  # a deputy of another site


def test_private_data_is_never_indexed(client, register):
    for secret in (ID_NUMBERS[0], ID_NUMBERS[0][:6], "13900000000", "蜀山区"):
        assert search(client, "340123", secret) == [], secret
    stored = " ".join(f"{e.title} {e.body} {e.url}" for e in SearchEntry.objects.filter(type=KIND))
    assert "张伟" in stored
    for secret in (ID_NUMBERS[0], digest(ID_NUMBERS[0]), "13900000000", "蜀山区", "gAAAAA"):
        assert secret not in stored, secret


def test_switched_off_plugin_hides_the_records(client, register):
    feixi = register.congresses["340123"].site.profile
    set_enabled("deputies", feixi, False)
    assert search(client, "340123", "张伟") == []
    assert len(search(client, "340100", "张伟")) == 1
    set_enabled("deputies", feixi, True)
    assert len(search(client, "340123", "张伟")) == 1


def test_an_ended_membership_drops_out(client, register):
    seat = m.Membership.objects.get(
        person=register.people["张伟"], congress__division_code="340123"
    )
    seat.end_date, seat.end_reason = YESTERDAY, m.EndReason.MOVED_AWAY
    seat.save()
    assert search(client, "340123", "张伟") == []
    assert len(search(client, "340100", "张伟")) == 1  # the city seat goes on


def test_a_profile_edit_reindexes_the_persons_memberships(client, register):
    zhang = register.people["张伟"]
    zhang.occupation = "合肥某科技公司工程师"
    zhang.save()
    assert [hit[0] for hit in search(client, "340123", "工程师")] == ["张伟"]
    assert [hit[0] for hit in search(client, "340100", "工程师")] == ["张伟"]
    assert search(client, "340123", "党支部书记") == []


def test_reindex_people_after_writes_that_fire_no_signals(client, register):
    li = register.people["李芳"]
    m.Person.objects.filter(pk=li.pk).update(occupation="县医院护士长")
    assert search(client, "340123", "护士长") == []
    m.Membership.objects.filter(person=register.people["张伟"]).update(end_date=YESTERDAY)
    assert len(search(client, "340123", "张伟")) == 1

    result = reindex_people([li.pk, register.people["张伟"].pk])
    assert result == {"upserted": 1, "dropped": 2}
    assert [hit[0] for hit in search(client, "340123", "护士长")] == ["李芳"]
    assert search(client, "340123", "张伟") == []
    assert search(client, "340100", "张伟") == []


def test_reindexing_an_ended_seat_refreshes_its_sites_cached_answers(client, register):
    def listed(site):  # the API cache is on: a second call is served from it
        response = client.get("/api/v1/deputies/", {"site": site})
        return [d["name"] for d in response.json()["results"]]

    assert "张伟" in listed("340100")
    m.Membership.objects.filter(person=register.people["张伟"]).update(end_date=YESTERDAY)
    assert "张伟" in listed("340100")  # cached, as it should be until told
    reindex_people([register.people["张伟"].pk])  # both seats leave the index
    assert "张伟" not in listed("340100")
    assert "张伟" not in listed("340123")
