"""Statutory clocks: the defaults of the standards, counting, pause, extension, states, reminders."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from cms.notifications.models import Notification
from cms.services import deadlines
from cms.services.models import DeadlineReminder, DeadlineSetting, DeadlineState

D = dt.date
BEIJING = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING)


# One row per default number of the standards (statutory.md): rule, amount, unit, maximum,
# kind, reminders; then a start date and the due date counted by hand on the 2025/2026
# calendar. Changing a default must fail here.
DEFAULTS = [
    ("suggestion.reply", 3, "months", 6, "limit", ("due_soon", "overdue"),
     D(2025, 7, 1), D(2025, 10, 9)),  # 1 Oct falls in the National Day holiday
    ("suggestion.assign", 10, "working_days", None, "limit", ("due_soon", "overdue"),
     D(2025, 9, 26), D(2025, 10, 16)),  # make-up Sundays count, the holiday does not
    ("suggestion.return", 7, "working_days", None, "limit", ("due_soon", "overdue"),
     D(2025, 9, 26), D(2025, 10, 13)),
    ("suggestion.co_handling", 1, "months", None, "limit", ("due_soon", "overdue"),
     D(2025, 8, 31), D(2025, 9, 30)),  # no 31 September: the month's last day
    ("suggestion.contact_deputy", 20, "working_days", None, "limit", ("due_soon", "overdue"),
     D(2026, 3, 2), D(2026, 3, 30)),
    ("suggestion.rating", 20, "working_days", None, "limit", ("due_soon", "overdue"),
     D(2026, 3, 2), D(2026, 3, 30)),
    ("suggestion.rehandling", 1, "months", 2, "limit", ("due_soon", "overdue"),
     D(2026, 4, 30), D(2026, 6, 1)),  # Saturday 30 May moves to Monday
    ("suggestion.publication", 20, "working_days", None, "limit", ("due_soon", "overdue"),
     D(2026, 3, 2), D(2026, 3, 30)),
    ("message.reply", 3, "months", None, "limit", ("30d", "60d", "80d", "overdue"),
     D(2025, 11, 30), D(2026, 2, 28)),  # a Saturday, but a make-up working day
    ("feedback.reply", 3, "working_days", None, "limit", ("due_soon", "overdue"),
     D(2025, 9, 26), D(2025, 9, 30)),
    ("reception.notice", 3, "days", None, "notice", ("due_soon",),
     D(2026, 5, 10), D(2026, 5, 7)),  # announced three days before the reception day
    ("consultation.window", 30, "days", None, "minimum", (),
     D(2026, 9, 1), D(2026, 10, 1)),  # a minimum is not moved off the holiday
]  # fmt: skip


@pytest.mark.parametrize(
    "name,amount,unit,maximum,kind,reminders,start,due", DEFAULTS, ids=[d[0] for d in DEFAULTS]
)
def test_default(name, amount, unit, maximum, kind, reminders, start, due):
    rule = deadlines.get_rule(name)
    assert (rule.amount, rule.unit, rule.max_amount, rule.kind, rule.reminders) == (
        amount, unit, maximum, kind, reminders)  # fmt: skip
    assert rule.source and rule.label
    assert deadlines.due_date(name, start) == due


def test_every_registered_default_is_covered():
    assert {r.name for r in deadlines.DEFAULT_RULES} == {d[0] for d in DEFAULTS}
    assert deadlines.limits("suggestion.reply").due_soon == 3  # LIANXI_DEADLINE_DUE_SOON_DAYS
    assert deadlines.limits("suggestion.reply").long_overdue == 30


def test_settings_per_level_and_per_site(site_group):
    county, other_county, city = site_group["340123"], site_group["340121"], site_group["340100"]
    assert deadlines.limits("suggestion.reply", county.site).origin == "default"
    DeadlineSetting.objects.create(rule="suggestion.reply", level="", amount=4)
    DeadlineSetting.objects.create(rule="suggestion.reply", level="county", amount=2, max_amount=5)
    DeadlineSetting.objects.create(rule="suggestion.reply", site=county.site, amount=1,
                                   reminders="30d,overdue")  # fmt: skip
    assert deadlines.limits("suggestion.reply", city.site).amount == 4  # all levels
    other = deadlines.limits("suggestion.reply", other_county.site)
    assert (other.amount, other.max_amount, other.origin) == (2, 5, "county")
    own = deadlines.limits("suggestion.reply", county.site)
    assert (own.amount, own.max_amount, own.reminders, own.origin) == (
        1, 5, ("30d", "overdue"), "site")  # fmt: skip
    # A clock copies its site's numbers when it starts.
    clock = deadlines.start(county, "suggestion.reply", county, start=D(2026, 3, 2))
    assert clock.amount == 1 and clock.due_on == D(2026, 4, 2)
    bad = DeadlineSetting(rule="suggestion.reply", level="county", site=county.site, amount=2,
                          max_amount=1, reminders="soon")  # fmt: skip
    with pytest.raises(ValidationError) as errors:
        bad.full_clean()
    assert {"level", "max_amount", "reminders"} <= set(errors.value.message_dict)


def test_start_pause_resume_extend_stop_and_states(site_group, make_user):
    county = site_group["340123"]
    record = make_user("record_owner")  # any saved model instance can carry a clock
    clock = deadlines.start(record, "suggestion.reply", county, start=D(2026, 3, 2))
    assert clock.due_on == D(2026, 6, 2) and clock.site == county.site
    assert deadlines.start(record, "suggestion.reply", county) == clock  # already running
    assert deadlines.running_clock(record, "suggestion.reply") == clock

    assert deadlines.state(clock, at(D(2026, 4, 1))) == DeadlineState.ON_TIME
    assert deadlines.state(clock, at(D(2026, 5, 27))) == DeadlineState.ON_TIME  # 4 working days
    assert deadlines.state(clock, at(D(2026, 5, 28))) == DeadlineState.DUE_SOON  # 3 working days
    assert deadlines.state(clock, at(D(2026, 6, 3))) == DeadlineState.OVERDUE
    assert deadlines.state(clock, at(D(2026, 7, 2))) == DeadlineState.OVERDUE  # 30 days late
    assert deadlines.state(clock, at(D(2026, 7, 3))) == DeadlineState.LONG_OVERDUE

    deadlines.pause(clock, on=D(2026, 3, 10))
    assert deadlines.state(clock) == DeadlineState.PAUSED
    deadlines.resume(clock, on=D(2026, 3, 20))  # ten calendar days for a month rule
    assert clock.paused_days == 10 and clock.due_on == D(2026, 6, 12)

    director = make_user("director")
    with pytest.raises(ValidationError):
        deadlines.extend(clock, approved_by=director, to=7, reason="复杂")  # beyond 6 months
    with pytest.raises(ValidationError):
        deadlines.extend(clock, approved_by=director, to=6, reason=" ")
    with pytest.raises(ValidationError):
        deadlines.extend(clock, approved_by=director, to=3, reason="复杂")  # not longer
    deadlines.extend(clock, approved_by=director, to=6, reason="涉及多个部门,需协调")
    clock.refresh_from_db()
    # 2 Sep + the 10 paused days = Saturday 12 Sep, moved to Monday.
    assert (clock.limit, clock.due_on, clock.extended_by) == (6, D(2026, 9, 14), director)

    deadlines.stop(clock, at=at(D(2026, 9, 14), 17))
    assert deadlines.state(clock) == DeadlineState.MET
    assert deadlines.running_clock(record, "suggestion.reply") is None
    late = deadlines.start(record, "feedback.reply", county, start=D(2026, 3, 2))
    assert late.due_on == D(2026, 3, 5)
    with pytest.raises(ValidationError):
        deadlines.extend(late, approved_by=director, to=5, reason="无")  # no extension allowed
    deadlines.stop(late, at=at(D(2026, 3, 6)))
    assert deadlines.state(late) == DeadlineState.MET_LATE
    with pytest.raises(ValueError):
        deadlines.start(record, "consultation.window", county)  # a minimum, not a clock


def test_working_day_pause_moves_the_due_date_in_working_days(site_group, make_user):
    clock = deadlines.start(make_user("r"), "suggestion.assign", site_group["340123"],
                            start=D(2026, 3, 2))  # fmt: skip
    assert clock.due_on == D(2026, 3, 16)
    deadlines.pause(clock, on=D(2026, 3, 5))
    deadlines.resume(clock, on=D(2026, 3, 9))  # Friday and Monday: two working days
    assert clock.due_on == D(2026, 3, 18)


def test_reminders_are_sent_once_each_to_the_plugins_recipients(site_group, make_user):
    county = site_group["340123"]
    staff = make_user("liaison_staff")
    message = make_user("citizen_message")  # stands for the plugin's record
    # The liaison plugin's own recipients of the rule are put back afterwards: the tests
    # after this one in the same process (make test runs files in parallel workers, in
    # any order) remind through them.
    before = deadlines._recipients.get("message.reply")
    deadlines.register_reminder_recipients("message.reply", lambda clock: [staff])
    try:
        clock = deadlines.start(message, "message.reply", county, start=D(2026, 3, 31))
        assert clock.due_on == D(2026, 6, 30) and clock.next_reminder_on == D(2026, 4, 30)
        assert deadlines.reminders_due(clock, at(D(2026, 4, 29))) == []
        assert deadlines.send_reminders(at(D(2026, 4, 29))) == 0
        assert deadlines.send_reminders(at(D(2026, 4, 30))) == 1
        assert deadlines.send_reminders(at(D(2026, 4, 30), 18)) == 0  # the sweep ran twice
        first = Notification.objects.get(user=staff)
        assert first.subject == "【答复群众留言】已起算30日,将于2026年6月30日到期。"
        assert (
            first.dedupe_key == f"deadline:{clock.pk}:30d"
            and first.kind == "deadline.message.reply"
        )
        # A scheduler that was down for weeks sends the latest reminder only.
        assert deadlines.send_reminders(at(D(2026, 6, 25))) == 1
        assert list(Notification.objects.filter(user=staff).values_list("dedupe_key", flat=True)
                    .order_by("created_at", "id")) == [
            f"deadline:{clock.pk}:30d", f"deadline:{clock.pk}:80d"]  # fmt: skip
        assert DeadlineReminder.objects.get(deadline=clock, key="60d").notified is False
        assert deadlines.send_reminders(at(D(2026, 7, 1))) == 1  # overdue
        clock.refresh_from_db()
        assert clock.next_reminder_on is None
        # A stopped clock reminds nobody.
        other = deadlines.start(staff, "message.reply", county, start=D(2026, 3, 31))
        deadlines.stop(other)
        assert deadlines.send_reminders(at(D(2026, 8, 1))) == 0
    finally:
        deadlines._recipients.pop("message.reply", None)
        if before is not None:
            deadlines._recipients["message.reply"] = before


def test_clocks_and_states_are_read_in_bulk_as_one_by_one(
    site_group, make_user, django_assert_max_num_queries
):
    from django.contrib.auth import get_user_model

    county, city = site_group["340123"], site_group["340100"]
    DeadlineSetting.objects.create(rule="suggestion.reply", site=city.site, amount=1)
    records = [make_user(f"bulk_record_{i}") for i in range(6)]
    starts = [D(2026, 1, 5), D(2026, 3, 2), D(2026, 5, 20), D(2026, 6, 1), D(2026, 3, 2)]
    sites = [county, county, county, city, county]
    for record, start, site in zip(records, starts, sites, strict=False):
        deadlines.start(record, "suggestion.reply", site, start=start)
    deadlines.pause(deadlines.running_clock(records[4], "suggestion.reply"), on=D(2026, 4, 1))
    # A second clock on the first record: the newest one is its clock.
    deadlines.stop(deadlines.running_clock(records[0], "suggestion.reply"), at=at(D(2026, 3, 1)))
    newest = deadlines.start(records[0], "suggestion.rehandling", county, start=D(2026, 5, 1))
    User = get_user_model()

    with django_assert_max_num_queries(2):
        clocks = deadlines.clocks_of(
            User, [r.pk for r in records], ["suggestion.reply", "suggestion.rehandling"]
        )
    assert set(clocks) == {str(r.pk) for r in records[:5]}  # the sixth has no clock
    assert clocks[str(records[0].pk)] == newest
    for day in (D(2026, 5, 29), D(2026, 6, 3), D(2026, 7, 10), D(2026, 9, 1)):
        # The numbers once per (rule, site): three pairs here, whatever the number of clocks.
        with django_assert_max_num_queries(8):
            found = deadlines.states(clocks.values(), at(day))
        assert found == {c.pk: deadlines.state(c, at(day)) for c in clocks.values()}
    assert set(deadlines.states(clocks.values(), at(D(2026, 7, 10))).values()) >= {
        DeadlineState.PAUSED,
        DeadlineState.OVERDUE,
        DeadlineState.LONG_OVERDUE,
    }
    assert deadlines.clocks_of(User, [], ["suggestion.reply"]) == {}


def test_the_sql_state_agrees_with_the_python_state_on_every_day(site_group, make_user):
    """``newest_states`` (a board's counts, the states computed in SQL) is ``clocks_of`` +
    ``states``:
    day by day across the National Day holiday, for clocks of every state, including a
    stop late in the Beijing evening (its UTC date is the day before)."""
    from django.contrib.auth import get_user_model

    county = site_group["340123"]
    rules = ["suggestion.reply", "suggestion.rehandling"]
    records = [make_user(f"sql_state_{i}") for i in range(9)]
    starts = [D(2026, 6, 1), D(2026, 6, 15), D(2026, 7, 1), D(2026, 7, 6), D(2026, 5, 4),
              D(2026, 6, 30), D(2026, 4, 1), D(2026, 7, 3)]  # fmt: skip
    for record, start in zip(records, starts, strict=False):
        deadlines.start(record, "suggestion.reply", county, start=start)
    running = {r.pk: deadlines.running_clock(r, "suggestion.reply") for r in records[:8]}
    deadlines.pause(running[records[4].pk], on=D(2026, 6, 1))
    # met on its due day at 23:30 Beijing time (15:30 UTC the same day)
    due = running[records[5].pk].due_on
    deadlines.stop(running[records[5].pk], at=dt.datetime(due.year, due.month, due.day, 23, 30,
                                                             tzinfo=BEIJING))  # fmt: skip
    # met late: stopped at 00:30 Beijing the day after the due date (16:30 UTC on the due date)
    late = running[records[6].pk].due_on + dt.timedelta(days=1)
    deadlines.stop(running[records[6].pk], at=dt.datetime(late.year, late.month, late.day, 0, 30,
                                                             tzinfo=BEIJING))  # fmt: skip
    # re-handling after a reply: the newer clock is the record's clock
    deadlines.stop(running[records[7].pk], at=at(D(2026, 8, 3)))
    deadlines.start(records[7], "suggestion.rehandling", county, start=D(2026, 8, 10))
    User = get_user_model()
    ids = [r.pk for r in records]
    rows = User.objects.filter(pk__in=ids)
    seen = set()
    day = D(2026, 8, 20)
    while day <= D(2026, 11, 30):
        now = at(day)
        clocks = deadlines.clocks_of(User, ids, rules)
        python = {int(pk): deadlines.states(clocks.values(), now)[c.pk].value
                  for pk, c in clocks.items()}  # fmt: skip
        assert deadlines.newest_states(User, rows, rules, now) == python, day
        seen |= set(python.values())
        assert len(python) == len(ids) - 1  # the ninth record has no clock
        day += dt.timedelta(days=3)
    assert seen == {s.value for s in DeadlineState}
