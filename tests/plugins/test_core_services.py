"""The core services plugins share: calendar, notifications, audit, words, site lookup."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail

from cms.notifications.models import Delivery
from cms.services import audit, notifications, sensitive, sites, workdays
from cms.services.models import CalendarDay, DayKind

D = dt.date


@pytest.mark.django_db
def test_holidays_and_make_up_working_days():
    assert not workdays.is_working_day(D(2025, 10, 1))  # National Day
    assert workdays.is_working_day(D(2025, 9, 28))  # Sunday made a working day
    assert not workdays.is_working_day(D(2026, 2, 16))  # Spring Festival 2026
    assert workdays.is_working_day(D(2026, 2, 14))  # Saturday made a working day
    assert workdays.is_working_day(D(2024, 3, 4)) and not workdays.is_working_day(D(2024, 3, 2))
    # Friday 26 Sep 2025 + 3 working days: Sun 28 (make-up), Mon 29, Tue 30.
    assert workdays.add_working_days(D(2025, 9, 26), 3) == D(2025, 9, 30)
    # ... + 4 jumps the eight-day holiday to Thu 9 Oct.
    assert workdays.add_working_days(D(2025, 9, 26), 4) == D(2025, 10, 9)
    assert workdays.working_days_between(D(2025, 9, 26), D(2025, 10, 9)) == 4
    assert workdays.day_name(D(2024, 2, 10)) == "春节"


@pytest.mark.django_db
def test_admin_rows_extend_and_override_the_data_file():
    assert workdays.is_working_day(D(2028, 1, 3))
    CalendarDay.objects.create(date=D(2028, 1, 3), kind=DayKind.HOLIDAY, name="元旦")
    CalendarDay.objects.create(date=D(2027, 2, 13), kind=DayKind.WORKDAY, name="春节调休")
    assert not workdays.is_working_day(D(2028, 1, 3))
    assert workdays.is_working_day(D(2027, 2, 13))  # a Saturday


def test_notifications_go_through_channels_and_survive_a_failing_one(
    settings, make_user, django_capture_on_commit_callbacks
):
    """A plugin's channel adapter: a failing channel does not stop the others."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    stream = io.StringIO()

    class Broken:
        name = "broken"

        def send(self, message):
            raise RuntimeError("down")

    notifications.register_channel(notifications.ConsoleChannel("console", stream))
    notifications.register_channel(Broken())
    deputy = make_user("deputy")
    deputy.email = "deputy@example.org"
    deputy.save()
    notifications.register_contact_resolver(resolver := lambda user, channel: user.username)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            notifications.notify(
                [deputy], "建议已交办", "正文", channels=["broken", "console", "email"]
            )
    finally:
        notifications._channels.pop("broken")
        notifications._channels.pop("console")
        notifications._resolvers.remove(resolver)
    assert mail.outbox[0].to == ["deputy"]  # the resolver answers first
    assert "建议已交办" in stream.getvalue()
    outcome = dict(Delivery.objects.values_list("channel", "status"))
    assert outcome == {"broken": "failed", "console": "sent", "email": "sent"}
    with pytest.raises(LookupError):
        notifications.get_channel("pigeon")


def test_audit_log_records_the_action(site_group, make_user):
    from wagtail.models import ModelLogEntry

    user = make_user("auditor", superuser=True)
    audit.register_action("example.checked", "检查")
    audit.audit(site_group["340100"], "example.checked", user=user, data={"n": 1})
    entry = ModelLogEntry.objects.get(action="example.checked")
    assert entry.user == user and entry.data["n"] == 1


def test_sensitive_word_check_delegates_to_a_checker(site_group):
    def checker(text, site_id):
        return [sensitive.WordHit("坏词", "sensitive")] if "坏词" in text else []

    previous = sensitive.register_checker(checker)
    try:
        assert [h.word for h in sensitive.find_words("有坏词,坏词", site_group["340100"])] == [
            "坏词"
        ]
        assert sensitive.is_clean("干净的文字")
    finally:
        sensitive.register_checker(previous)


def test_sensitive_word_check_uses_the_review_word_list_by_default(site_group):
    from cms.review.models import SensitiveWord

    SensitiveWord.objects.create(word="违禁词")
    assert [h.word for h in sensitive.find_words("<p>含违禁词</p>")] == ["违禁词"]


def test_site_lookup_by_division_code(site_group):
    assert sites.get_site_profile("340123") == site_group["340123"]
    assert sites.resolve_code("340123100").township is not None
    with pytest.raises(sites.UnknownDivisionCode):
        sites.get_site_profile("349999")


def test_inspection_sources_say_not_applicable_without_a_backend(site_group, monkeypatch):
    """An inspection asks a concept a plugin backs; with no plugin backing it, the answer
    is "not applicable" with the reason, never an error or a zero."""
    from cms.services import inspection_sources

    monkeypatch.setattr(inspection_sources, "_backends", {})
    answer = inspection_sources.overdue(inspection_sources.MESSAGES, site_group["340123"])
    assert (answer.applicable, answer.reason) == (False, "未安装群众留言功能")
    assert not inspection_sources.is_available(inspection_sources.SUGGESTIONS)
    seen = {}

    class Source:
        def overdue(self, site, *, today, since):
            seen.update(site=site, today=today, since=since)
            return inspection_sources.Answer(applicable=True, denominator=4, counted="件")

    inspection_sources.register_backend(inspection_sources.SUGGESTIONS, Source())
    answer = inspection_sources.overdue(
        inspection_sources.SUGGESTIONS, site_group["340123"], today=dt.date(2026, 5, 1)
    )
    assert answer.applicable and answer.denominator == 4
    assert seen["site"] == site_group["340123"].site and seen["since"] == dt.date(2025, 5, 1)
    with pytest.raises(ValueError):
        inspection_sources.overdue("unknown", site_group["340123"])
    with pytest.raises(ValueError):
        inspection_sources.register_backend("unknown", Source())
