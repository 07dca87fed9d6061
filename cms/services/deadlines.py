"""Statutory clocks: every deadline of congress work, counted one way.

A **rule** names a limit (``"suggestion.reply"``: 3 months, 6 with approval);
its numbers are settings per congress level and per site (设置 → 法定时限),
defaulting to the standards' numbers shipped below. A **clock**
(:class:`~cms.services.models.Deadline`) runs that rule on one plugin record::

    from cms.services import deadlines

    clock = deadlines.start(suggestion, "suggestion.reply", site, start=assigned_on)
    deadlines.pause(clock)                          # e.g. waiting for the deputy
    deadlines.resume(clock)                         # the due date moves by the pause
    deadlines.extend(clock, approved_by=director, to=6, reason="涉及多部门")
    deadlines.state(clock)                          # DeadlineState.ON_TIME, DUE_SOON, ...
    deadlines.stop(clock)                           # replied: met (or met late)

**Counting.** Working days are counted on ``cms.services.workdays`` (the start
day is not counted). Months run to the same day of the month (or the month's
last day when it has no such day: 31 Jan + 1 month = 28/29 Feb), and calendar
days simply add up; a limit counted in months or days that ends on a
non-working day moves to the next working day, as statutory periods do
(民事诉讼法 第八十五条). A *notice* rule counts backwards from an event (a
reception day is announced 3 days ahead); a *minimum* rule gives the earliest
allowed date (a consultation stays open at least 30 days) and has no clock.

**Reminders.** A rule's reminders are ``"30d"`` (30 calendar days after the
start, moved by pauses), ``"due_soon"`` (``due_soon`` working days before the
due date), ``"overdue"`` (the day after it) and ``"long_overdue"``. The
``deadlines.reminders`` sweep sends each reminder of each clock once, through
``cms.services.notifications`` with a ``dedupe_key``, to the recipients the
record's plugin names::

    deadlines.register_reminder_recipients(
        "suggestion.reply", lambda clock: lead_unit_staff(clock.target)
    )
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import workdays
from .models import Deadline, DeadlineReminder, DeadlineSetting, DeadlineState, DeadlineUnit
from .tasks import task

__all__ = [
    "Deadline",
    "DeadlineState",
    "DeadlineUnit",
    "Limits",
    "Rule",
    "add_months",
    "clocks_of",
    "due_date",
    "extend",
    "get_rule",
    "limits",
    "newest_states",
    "pause",
    "register_reminder_recipients",
    "register_rule",
    "reminders_due",
    "resume",
    "rules",
    "running_clock",
    "send_reminders",
    "start",
    "state",
    "state_expression",
    "states",
    "stop",
]

LIMIT, NOTICE, MINIMUM = "limit", "notice", "minimum"
DEFAULT_REMINDERS = ("due_soon", "overdue")


@dataclass(frozen=True)
class Rule:
    """A statutory limit and its default numbers.

    ``kind``: ``"limit"`` (done by the due date), ``"notice"`` (announced
    ``amount`` before an event: the start date passed is the event's) or
    ``"minimum"`` (not before the date: a window that must stay open).
    ``source`` names where the number comes from (shown in the admin).
    """

    name: str
    label: Any
    amount: int
    unit: str
    source: Any
    max_amount: int | None = None
    reminders: tuple[str, ...] = DEFAULT_REMINDERS
    kind: str = LIMIT
    counts_from: Any = ""
    due_soon: int | None = None
    long_overdue: int | None = None


@dataclass(frozen=True)
class Limits:
    """A rule's numbers in force for one site (settings applied)."""

    amount: int
    unit: str
    max_amount: int | None
    reminders: tuple[str, ...]
    due_soon: int
    long_overdue: int
    origin: str = "default"  # "default", "all levels", the level, or "site"


_rules: dict[str, Rule] = {}


def register_rule(rule: Rule) -> Rule:
    """Add or replace a rule (a plugin registers its own in ``ready()``)."""
    if rule.unit not in DeadlineUnit.values:
        raise ValueError(f"Rule {rule.name}: unit must be one of {DeadlineUnit.values}")
    if rule.kind not in (LIMIT, NOTICE, MINIMUM):
        raise ValueError(f"Rule {rule.name}: kind must be limit, notice or minimum")
    for key in rule.reminders:
        _reminder_offset(key)
    _rules[rule.name] = rule
    return rule


def get_rule(name: str) -> Rule:
    try:
        return _rules[name]
    except KeyError:
        raise LookupError(f"No deadline rule {name!r}; known: {sorted(_rules)}") from None


def rules() -> list[Rule]:
    return sorted(_rules.values(), key=lambda r: r.name)


# --- The defaults: the standards' numbers (a test per default keeps them) --------------

WD, DAYS, MONTHS = DeadlineUnit.WORKING_DAYS, DeadlineUnit.DAYS, DeadlineUnit.MONTHS

DEFAULT_RULES = (
    Rule("suggestion.reply", _("建议答复代表"), 3, MONTHS, _("代表法第五十一条:自交办之日起三个月内答复"),
         max_amount=6, counts_from=_("交办之日")),
    Rule("suggestion.assign", _("会后交办建议"), 10, WD, _("省级实践(重庆10个工作日;山东5日)"),
         counts_from=_("大会闭会之日")),
    Rule("suggestion.return", _("承办单位退回错交建议"), 7, WD, _("省级实践(河南10个工作日)"),
         counts_from=_("交办之日")),
    Rule("suggestion.co_handling", _("协办单位向主办单位提出意见"), 1, MONTHS, _("省级实践"),
         counts_from=_("交办之日")),
    Rule("suggestion.contact_deputy", _("主办单位答复前联系代表"), 20, WD,
         _("重庆实践:交办后20个工作日内"), counts_from=_("交办之日")),
    Rule("suggestion.rating", _("代表评价答复"), 20, WD, _("省级实践(北京15日,河南10日)"),
         counts_from=_("答复之日")),
    Rule("suggestion.rehandling", _("代表不满意时重新办理"), 1, MONTHS, _("省级实践:一个月,最长两个月"),
         max_amount=2, counts_from=_("退回重办之日")),
    Rule("suggestion.publication", _("公开答复(去除联系方式和秘密)"), 20, WD,
         _("安徽自2015年起的做法:答复后20个工作日内"), counts_from=_("答复之日")),
    Rule("message.reply", _("答复群众留言"), 3, MONTHS,
         _("2019年政府网站检查指标(国办秘函〔2019〕19号):有效留言超过3个月未答复即否决"),
         reminders=("30d", "60d", "80d", "overdue"), counts_from=_("收到留言之日")),
    Rule("feedback.reply", _("答复网站找错"), 3, WD, _("省级实践"), counts_from=_("收到之日")),
    Rule("reception.notice", _("联络站接待日提前公告"), 3, DAYS, _("地方实践:提前3日公告"),
         kind=NOTICE, reminders=("due_soon",), counts_from=_("接待日(向前推算)")),
    Rule("consultation.window", _("法规草案征求意见期"), 30, DAYS,
         _("立法法第四十条(国家法律不少于30日;北京30日,上海15日)"), kind=MINIMUM, reminders=(),
         counts_from=_("公布之日")),
)  # fmt: skip


# --- Numbers for a site -------------------------------------------------------------


def _level_of(site) -> str:
    profile = getattr(site, "profile", None) if site is not None else None
    return getattr(profile, "level", "") or ""


def parse_reminders(text: str) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in text.replace(",", ",").split(",") if k.strip())
    for key in keys:
        _reminder_offset(key)
    return keys


def limits(rule: str | Rule, site=None) -> Limits:
    """The numbers of ``rule`` in force for ``site`` (a Site or SiteProfile).

    A row for the site wins over one for its level, which wins over one for
    all levels, which wins over the default in code.
    """
    rule = get_rule(rule) if isinstance(rule, str) else rule
    site = getattr(site, "site", site)  # a SiteProfile or a Site
    amount, max_amount, reminders, origin = rule.amount, rule.max_amount, rule.reminders, "default"
    rows = list(DeadlineSetting.objects.filter(rule=rule.name, site__isnull=True))
    level = _level_of(site)
    chosen = [r for r in rows if r.level == ""] + [r for r in rows if level and r.level == level]
    if site is not None:
        chosen += list(DeadlineSetting.objects.filter(rule=rule.name, site=site))
    for row in chosen:  # least specific first, so the most specific wins
        amount = row.amount
        max_amount = row.max_amount if row.max_amount is not None else max_amount
        reminders = parse_reminders(row.reminders) if row.reminders else reminders
        origin = "site" if row.site_id else (row.level or "all levels")
    return Limits(
        amount=amount,
        unit=rule.unit,
        max_amount=max_amount,
        reminders=tuple(reminders),
        due_soon=rule.due_soon if rule.due_soon is not None
        else settings.LIANXI_DEADLINE_DUE_SOON_DAYS,
        long_overdue=rule.long_overdue if rule.long_overdue is not None
        else settings.LIANXI_DEADLINE_LONG_OVERDUE_DAYS,
        origin=origin,
    )  # fmt: skip


def validate_setting(setting: DeadlineSetting) -> None:
    """``DeadlineSetting.clean``: a known rule, one scope, sane numbers."""
    errors: dict[str, Any] = {}
    try:
        rule = get_rule(setting.rule)
    except LookupError:
        raise ValidationError({"rule": _("没有这个时限规则。")}) from None
    if setting.site_id and setting.level:
        errors["level"] = _("选择了站点时不再选择层级。")
    if setting.amount is not None and setting.amount < 1:
        errors["amount"] = _("期限至少为1。")
    if setting.max_amount is not None and setting.amount and setting.max_amount < setting.amount:
        errors["max_amount"] = _("最长期限不能短于期限。")
    if setting.max_amount is not None and rule.kind != LIMIT:
        errors["max_amount"] = _("该规则不能延期。")
    if setting.reminders:
        try:
            parse_reminders(setting.reminders)
        except ValueError:
            errors["reminders"] = _("提醒格式:30d、due_soon、overdue、long_overdue,用逗号分隔。")
    if errors:
        raise ValidationError(errors)


# --- Counting -----------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or that month's last day (31 Jan + 1 = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, pycalendar.monthrange(year, month)[1]))


def _next_working_day(cal: workdays.Calendar, day: dt.date) -> dt.date:
    while not cal.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def _count(rule: Rule, start: dt.date, amount: int, paused: int, cal: workdays.Calendar):
    if rule.unit == WD:
        return cal.add_working_days(start, amount + paused)
    if rule.kind == NOTICE:
        return start - dt.timedelta(days=amount)
    if rule.unit == MONTHS:
        end = add_months(start, amount) + dt.timedelta(days=paused)
    else:
        end = start + dt.timedelta(days=amount + paused)
    return end if rule.kind == MINIMUM else _next_working_day(cal, end)


def due_date(rule: str | Rule, start: dt.date, site=None, *, amount: int | None = None) -> dt.date:
    """When ``rule`` falls due for a record started on ``start`` at ``site``.

    For a notice rule ``start`` is the event's date and the result lies before
    it; for a minimum rule the result is the earliest allowed date.
    """
    rule = get_rule(rule) if isinstance(rule, str) else rule
    if amount is None:
        amount = limits(rule, site).amount
    return _count(rule, _date(start), amount, 0, workdays.Calendar())


def _date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _today(now: dt.datetime | None) -> dt.date:
    return timezone.localtime(now or timezone.now()).date()


def _recompute(clock: Deadline, cal: workdays.Calendar | None = None) -> None:
    cal = cal or workdays.Calendar()
    rule = get_rule(clock.rule)
    clock.due_on = _count(rule, clock.started_on, clock.limit, clock.paused_days, cal)
    clock.next_reminder_on = _next_reminder(clock, cal)


# --- Clocks -------------------------------------------------------------------------


def running_clock(obj, rule: str) -> Deadline | None:
    """The running (not stopped) clock of ``rule`` on ``obj``, if any."""
    return Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk), rule=rule,
        stopped_at__isnull=True,
    ).first()  # fmt: skip


def start(obj, rule: str, site, start: dt.date | dt.datetime | None = None) -> Deadline:
    """Start ``rule``'s clock on ``obj`` (a saved model instance) at ``site``.

    ``start`` is the day counting starts from (default today; not counted
    itself for working days). The site's numbers are copied onto the clock.
    Starting a clock that is already running returns it unchanged.
    """
    definition = get_rule(rule)
    if definition.kind == MINIMUM:
        raise ValueError(f"{rule} is a minimum, not a clock: use due_date() to check it.")
    existing = running_clock(obj, rule)
    if existing is not None:
        return existing
    numbers = limits(definition, site)
    clock = Deadline(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        site=getattr(site, "site", site),  # a SiteProfile or a Site
        rule=rule,
        started_on=_date(start) if start is not None else _today(None),
        amount=numbers.amount,
        unit=numbers.unit,
        max_amount=numbers.max_amount,
        reminders=list(numbers.reminders),
    )
    _recompute(clock)
    try:
        with transaction.atomic():
            clock.save()
    except IntegrityError:  # started by a concurrent request
        return running_clock(obj, rule) or clock
    return clock


def pause(clock: Deadline, on: dt.date | None = None) -> Deadline:
    """Stop the clock from running from ``on`` (default today) until :func:`resume`."""
    if clock.stopped_at or clock.paused_on:
        return clock
    clock.paused_on = on or _today(None)
    clock.save(update_fields=["paused_on"])
    return clock


def resume(clock: Deadline, on: dt.date | None = None) -> Deadline:
    """Run the clock again; the due date moves by the paused span.

    The span is counted in working days for a working-day rule, in calendar
    days otherwise.
    """
    if not clock.paused_on or clock.stopped_at:
        return clock
    cal = workdays.Calendar()
    resumed = on or _today(None)
    if clock.unit == WD:
        span = cal.working_days_between(clock.paused_on, resumed)
    else:
        span = max((resumed - clock.paused_on).days, 0)
    clock.paused_days += span
    clock.paused_on = None
    _recompute(clock, cal)
    clock.save(update_fields=["paused_on", "paused_days", "due_on", "next_reminder_on"])
    return clock


def extend(clock: Deadline, *, approved_by, to: int, reason: str) -> Deadline:
    """Extend the limit to ``to`` (in the rule's unit), approved by ``approved_by``.

    Raises ``ValidationError`` beyond the rule's approved maximum, for a
    limit that is not longer than the one in force, or without a reason.
    """
    if clock.stopped_at:
        raise ValidationError(_("已办结的事项不能延期。"))
    if clock.max_amount is None:
        raise ValidationError(_("该时限不能延期。"))
    if to > clock.max_amount:
        raise ValidationError(
            _("最长只能延长至%(max)s%(unit)s。")
            % {"max": clock.max_amount, "unit": DeadlineUnit(clock.unit).label}
        )
    if to <= clock.limit:
        raise ValidationError(_("延长后的期限应长于现有期限。"))
    if not (reason or "").strip():
        raise ValidationError(_("请填写延期理由。"))
    if approved_by is None:
        raise ValidationError(_("延期须经批准。"))
    clock.extended_to = to
    clock.extended_by = approved_by
    clock.extended_at = timezone.now()
    clock.extension_reason = reason.strip()
    _recompute(clock)
    clock.save()
    return clock


def stop(clock: Deadline, at: dt.datetime | None = None) -> Deadline:
    """The obligation is met (replied, rated...): the clock stops for good."""
    if clock.stopped_at:
        return clock
    clock.stopped_at = at or timezone.now()
    clock.next_reminder_on = None
    clock.save(update_fields=["stopped_at", "next_reminder_on"])
    return clock


def state(clock: Deadline, now: dt.datetime | None = None) -> DeadlineState:
    """On time, due soon, overdue, long overdue; paused; met or met late."""
    return _state(clock, _today(now), lambda: limits(clock.rule, clock.site), workdays.Calendar)


def _state(clock: Deadline, today: dt.date, numbers, calendar) -> DeadlineState:
    """The one rule of a clock's state. ``numbers()`` gives its rule's limits and
    ``calendar()`` the working-day calendar; both are asked only for a running clock."""
    if clock.stopped_at:
        met = _date(clock.stopped_at) <= clock.due_on
        return DeadlineState.MET if met else DeadlineState.MET_LATE
    if clock.paused_on:
        return DeadlineState.PAUSED
    if today > clock.due_on:
        late = (today - clock.due_on).days
        return (
            DeadlineState.LONG_OVERDUE if late > numbers().long_overdue else DeadlineState.OVERDUE
        )
    if _at_most_working_days(calendar(), today, clock.due_on, numbers().due_soon):
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TIME


def clocks_of(model, object_ids: Iterable, rules: Iterable[str]) -> dict[str, Deadline]:
    """The newest clock of any of ``rules`` on each of ``model``'s records ``object_ids``.

    One query for a whole list (a board, an export): ``{str(pk): clock}``, records
    without a clock left out. "Newest" is the latest started (then the latest
    created), running or stopped.
    """
    ids = [str(pk) for pk in object_ids]
    if not ids:
        return {}
    found: dict[str, Deadline] = {}
    rows = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=ids,
        rule__in=list(rules),
    ).order_by("started_at", "pk")  # fmt: skip
    for clock in rows:
        found[clock.object_id] = clock  # the newest wins
    return found


def _at_most_working_days(cal: workdays.Calendar, start: dt.date, end: dt.date, n: int) -> bool:
    """``cal.working_days_between(start, end) <= n``, counting no further than needed."""
    count, current = 0, start
    while current < end:
        current += dt.timedelta(days=1)
        count += cal.is_working_day(current)
        if count > n:
            return False
    return True


def states(clocks: Iterable[Deadline], now: dt.datetime | None = None) -> dict[int, DeadlineState]:
    """:func:`state` of many clocks at once (``{clock.pk: state}``), each rule's
    numbers read once per site rather than once per clock."""
    from wagtail.models import Site

    clocks = list(clocks)
    cached: dict[tuple[str, int | None], Limits] = {}
    result: dict[int, DeadlineState] = {}
    today, calendars = _today(now), []  # one calendar, read when first needed

    def calendar():
        if not calendars:
            calendars.append(workdays.Calendar())
        return calendars[0]

    site_ids = {c.site_id for c in clocks if c.site_id and not (c.stopped_at or c.paused_on)}
    sites = Site.objects.select_related("profile").in_bulk(site_ids) if site_ids else {}
    for clock in clocks:
        key = (clock.rule, clock.site_id)

        def numbers(key=key):
            if key not in cached:
                cached[key] = limits(key[0], sites.get(key[1]))
            return cached[key]

        result[clock.pk] = _state(clock, today, numbers, calendar)
    return result


def state_expression(rules: Iterable[str], now: dt.datetime | None = None):
    """:func:`state` as SQL: a ``Case`` over a :class:`Deadline` row's fields giving its
    state's value, so that a board counts and filters thousands of clocks in the
    database instead of loading them. The same rule as ``_state`` (a test holds the two
    to each other): only the dates it compares with are computed here, once per rule —
    a rule's due-soon and long-overdue numbers do not vary by site."""
    from django.db.models import Case, CharField, Q, Value, When
    from django.db.models.functions import TruncDate

    today, cal = _today(now), workdays.Calendar()
    long_overdue, due_soon = [], []
    for name in dict.fromkeys(rules):
        numbers = limits(name)
        # more than ``long_overdue`` days after the due date
        long_overdue.append(When(Q(rule=name, due_on__lt=today - dt.timedelta(days=numbers.long_overdue)),
                                 then=Value(DeadlineState.LONG_OVERDUE.value)))  # fmt: skip
        # at most ``due_soon`` working days left: due before the (n+1)th working day from today
        soon_before = cal.add_working_days(today, numbers.due_soon + 1)
        due_soon.append(When(Q(rule=name, due_on__lt=soon_before),
                             then=Value(DeadlineState.DUE_SOON.value)))  # fmt: skip
    stopped_on = TruncDate("stopped_at")  # the local (Beijing) date, as ``_date`` takes it
    return Case(
        When(
            Q(stopped_at__isnull=False, due_on__gte=stopped_on), then=Value(DeadlineState.MET.value)
        ),  # fmt: skip
        When(stopped_at__isnull=False, then=Value(DeadlineState.MET_LATE.value)),
        When(paused_on__isnull=False, then=Value(DeadlineState.PAUSED.value)),
        *long_overdue,
        When(due_on__lt=today, then=Value(DeadlineState.OVERDUE.value)),
        *due_soon,
        default=Value(DeadlineState.ON_TIME.value),
        output_field=CharField(),
    )


def newest_states(
    model, rows, rules: Iterable[str], now: dt.datetime | None = None
) -> dict[int, str]:
    """``{pk: state value}`` of the newest clock of ``rules`` on each record of ``rows`` (a
    queryset of ``model``; records without a clock left out): ``clocks_of`` and ``states`` for
    a whole board, the states computed in SQL and only ids and states fetched. Faster than
    a correlated subquery, which the database would evaluate once per record."""
    from django.db.models import CharField
    from django.db.models.functions import Cast

    rules = list(rules)
    keys = rows.order_by().annotate(clock_key=Cast("pk", CharField())).values("clock_key")
    found: dict[int, str] = {}
    clocks = (
        Deadline.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                object_id__in=keys, rule__in=rules)
        .annotate(state_value=state_expression(rules, now))
        .order_by("started_at", "pk")
        .values_list("object_id", "state_value")
    )  # fmt: skip
    for object_id, value in clocks:
        found[int(object_id)] = value  # the newest wins, as in clocks_of
    return found


# --- Reminders ----------------------------------------------------------------------


def _reminder_offset(key: str) -> tuple[str, int]:
    if key in ("due_soon", "overdue", "long_overdue"):
        return key, 0
    if key.endswith("d") and key[:-1].isdigit() and int(key[:-1]) > 0:
        return "days", int(key[:-1])
    raise ValueError(f"Unknown reminder {key!r}: use 30d, due_soon, overdue or long_overdue")


def _minus_working_days(cal: workdays.Calendar, day: dt.date, n: int) -> dt.date:
    while n > 0:
        day -= dt.timedelta(days=1)
        n -= cal.is_working_day(day)
    return day


def reminder_date(clock: Deadline, key: str, cal: workdays.Calendar | None = None) -> dt.date:
    """The day reminder ``key`` of ``clock`` falls on."""
    cal = cal or workdays.Calendar()
    kind, days = _reminder_offset(key)
    if kind == "days":
        return clock.started_on + dt.timedelta(days=days + clock.paused_days)
    numbers = limits(clock.rule, clock.site)
    if kind == "due_soon":
        return _minus_working_days(cal, clock.due_on, numbers.due_soon)
    if kind == "overdue":
        return clock.due_on + dt.timedelta(days=1)
    return clock.due_on + dt.timedelta(days=numbers.long_overdue + 1)


def _sent_keys(clock: Deadline) -> set[str]:
    if clock.pk is None:
        return set()
    return set(clock.sent_reminders.values_list("key", flat=True))


def _next_reminder(clock: Deadline, cal: workdays.Calendar) -> dt.date | None:
    sent = _sent_keys(clock)
    dates = [reminder_date(clock, k, cal) for k in clock.reminders if k not in sent]
    return min(dates) if dates and not clock.stopped_at else None


def reminders_due(clock: Deadline, now: dt.datetime | None = None) -> list[str]:
    """The reminders of ``clock`` whose day has come and that were not sent, in order."""
    if clock.stopped_at or clock.paused_on:
        return []
    today, cal, sent = _today(now), workdays.Calendar(), _sent_keys(clock)
    due = [(reminder_date(clock, k, cal), k) for k in clock.reminders if k not in sent]
    return [k for day, k in sorted(due) if day <= today]


@dataclass
class _Recipients:
    recipients: Callable[[Deadline], Iterable[Any]]
    message: Callable[[Deadline, str], tuple[str, str, str]] | None = None
    extra: dict = field(default_factory=dict)


_recipients: dict[str, _Recipients] = {}


def register_reminder_recipients(
    rule: str,
    recipients: Callable[[Deadline], Iterable[Any]],
    message: Callable[[Deadline, str], tuple[str, str, str]] | None = None,
) -> None:
    """Who is reminded of ``rule``'s clocks (``"*"``: every rule without its own).

    ``recipients(clock)`` returns users (or e-mail addresses); the optional
    ``message(clock, key)`` returns ``(subject, body, url)`` instead of the
    default Chinese text.
    """
    _recipients[rule] = _Recipients(recipients, message)


def default_message(clock: Deadline, key: str) -> tuple[str, str, str]:
    rule = get_rule(clock.rule)
    due = f"{clock.due_on.year}年{clock.due_on.month}月{clock.due_on.day}日"
    kind, days = _reminder_offset(key)
    if kind == "days":
        text = f"已起算{days}日,将于{due}到期。"
    elif kind == "due_soon":
        text = f"将于{due}到期,请抓紧办理。"
    elif kind == "overdue":
        text = f"已于{due}到期,尚未办结。"
    else:
        text = f"已于{due}到期,严重逾期,尚未办结。"
    target = clock.target
    name = str(target) if target is not None else f"{clock.content_type}:{clock.object_id}"
    return f"【{rule.label}】{text}", f"{name}:{text}", ""


def send_reminders(now: dt.datetime | None = None) -> int:
    """Send each due reminder once (the ``deadlines.reminders`` sweep); returns how many."""
    from . import notifications

    today, sent = _today(now), 0
    cal = workdays.Calendar()
    clocks = Deadline.objects.filter(
        stopped_at__isnull=True, paused_on__isnull=True, next_reminder_on__lte=today
    ).select_related("site", "content_type")
    for clock in clocks.iterator():
        keys = reminders_due(clock, now)
        hook = _recipients.get(clock.rule) or _recipients.get("*")
        if not keys or hook is None:
            continue
        latest = keys[-1]  # earlier ones that were missed are recorded, not sent
        with transaction.atomic():
            for key in keys:
                _row, created = DeadlineReminder.objects.get_or_create(
                    deadline=clock, key=key, defaults={"notified": key == latest}
                )
                if not created or key != latest:
                    continue
                subject, body, url = (hook.message or default_message)(clock, key)
                users = list(hook.recipients(clock))
                if users:
                    notifications.notify(
                        users, subject, body, kind=f"deadline.{clock.rule}",
                        site=clock.site, url=url, dedupe_key=f"deadline:{clock.pk}:{key}",
                        data={"deadline": clock.pk, "reminder": key},
                    )  # fmt: skip
                    sent += 1
            clock.next_reminder_on = _next_reminder(clock, cal)
            clock.save(update_fields=["next_reminder_on"])
    return sent


@task()
def send_reminders_sweep() -> int:
    """The ``deadlines.reminders`` sweep (daily): :func:`send_reminders`."""
    return send_reminders()


def connect_signals() -> None:
    """Register the defaults. (The site staff's permissions on the per-site settings
    screen are ``ServicesConfig.group_permissions``.)"""
    for rule in DEFAULT_RULES:
        if rule.name not in _rules:
            register_rule(rule)
