"""Admin screens of the platform services: 设置 → 发送记录 and 设置 → 法定时限."""

from __future__ import annotations

import pytest

from cms.notifications.models import Delivery, DeliveryStatus
from cms.services.models import DeadlineSetting

pytestmark = pytest.mark.django_db

DELIVERIES = "/admin/notifications/delivery/"
LIMITS = "/admin/services/deadlinesetting/"


@pytest.fixture
def log(site_group):
    def row(site, subject, recipient="13800000001"):
        return Delivery.objects.create(site=site.site if site else None, channel="sms",
                                       recipient=recipient, subject=subject,
                                       status=DeliveryStatus.SENT)  # fmt: skip

    return {
        "feixi": row(site_group["340123"], "肥西的提醒"),
        "changfeng": row(site_group["340121"], "长丰的提醒"),
        "none": row(None, "没有站点的通知"),
    }


@pytest.fixture
def feixi_senior(site_group, make_user):
    """肥西's final reviewer: the site's senior staff, granted the log with the site."""
    return make_user("feixi_final", site_group["340123"].final_reviewers_group)


def test_superuser_reads_the_whole_delivery_log(client, make_user, log):
    client.force_login(make_user("root", superuser=True))
    page = client.get(DELIVERIES).content.decode()
    assert "肥西的提醒" in page and "长丰的提醒" in page and "没有站点的通知" in page
    assert "138****0001" in page and "13800000001" not in page  # masked on screen
    detail = client.get(f"{DELIVERIES}inspect/{log['feixi'].pk}/")
    assert detail.status_code == 200 and "138****0001" in detail.content.decode()
    assert client.get(f"{DELIVERIES}create/").status_code in (302, 403)  # read-only
    assert client.get(f"{DELIVERIES}edit/{log['feixi'].pk}/").status_code in (302, 403, 404)
    assert client.get(f"{DELIVERIES}?status=sent&channel=sms").status_code == 200


def test_site_staff_read_only_their_sites_sends(client, feixi_senior, make_user, log, site_group):
    client.force_login(feixi_senior)
    page = client.get(DELIVERIES).content.decode()
    assert "肥西的提醒" in page
    assert "长丰的提醒" not in page and "没有站点的通知" not in page
    assert client.get(f"{DELIVERIES}inspect/{log['changfeng'].pk}/").status_code == 404
    # An editor of the same site has no delivery log.
    client.force_login(make_user("feixi_ed", site_group["340123"].editors_group))
    assert client.get(DELIVERIES).status_code in (302, 403)


def test_superuser_sets_a_level_and_staff_set_their_site(client, make_user, feixi_senior,
                                                         site_group):  # fmt: skip
    from cms.services import deadlines

    client.force_login(make_user("root", superuser=True))
    form = client.get(f"{LIMITS}create/").content.decode()
    assert "代表法第五十一条" in form  # every rule shows its source
    response = client.post(f"{LIMITS}create/", {"rule": "suggestion.reply", "level": "county",
                                                "amount": "2", "max_amount": "4",
                                                "reminders": "", "note": "本省规定"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert deadlines.limits("suggestion.reply", site_group["340121"]).amount == 2

    client.force_login(feixi_senior)
    listing = client.get(LIMITS).content.decode()
    assert "建议答复代表" in listing and "县级" in listing  # the level row, read-only
    level_row = DeadlineSetting.objects.get(level="county")
    assert client.get(f"{LIMITS}edit/{level_row.pk}/").status_code in (302, 403, 404)
    refused = client.post(f"{LIMITS}create/", {"rule": "suggestion.reply", "level": "county",
                                               "amount": "1"})  # fmt: skip
    assert refused.status_code == 200 and not DeadlineSetting.objects.filter(amount=1).exists()
    feixi = site_group["340123"].site
    ok = client.post(f"{LIMITS}create/", {"rule": "feedback.reply", "site": feixi.pk,
                                          "amount": "5", "reminders": "due_soon"})  # fmt: skip
    assert ok.status_code == 302, ok.content.decode()[:2000]
    assert deadlines.limits("feedback.reply", feixi).amount == 5
    assert deadlines.limits("feedback.reply", site_group["340121"]).amount == 3
    other = client.post(f"{LIMITS}create/", {"rule": "feedback.reply",
                                             "site": site_group["340121"].site.pk,
                                             "amount": "9"})  # fmt: skip
    assert other.status_code == 200 and not DeadlineSetting.objects.filter(amount=9).exists()
    bad = client.post(f"{LIMITS}create/", {"rule": "no.such.rule", "site": feixi.pk,
                                           "amount": "1"})  # fmt: skip
    assert bad.status_code == 200
