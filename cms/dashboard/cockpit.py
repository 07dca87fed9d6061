"""What the home screen shows, computed for one user in a fixed number of queries.

Every figure is limited to the sites the user manages (``managed_sites``, the
one place this module asks that question). For a city's or the province's
staff the same figures are given per site, worst first.

* **待我审核**: workflow steps waiting for a group the user is in, oldest first;
* **我的草稿 / 被退回**: pages the user owns that are not live or have
  unpublished changes, and submissions of the user that were sent back;
* **栏目**: columns (栏目, 乡镇人大) whose newest published page is older than
  their ``expected_update_days`` (逾期), and columns with no published page
  below them and no sub-column (空白);
* **发布动态**: pages first published per week over the last 12 weeks.

Queries do not grow with the number of sites, pages or items (a test holds
the home screen to a bound).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, Max, OuterRef, Q
from django.db.models.functions import Cast, Length, Substr
from django.utils import timezone
from wagtail.models import Page, TaskState, WorkflowState

WEEKS = 12
LIST_LIMIT = 8


def managed_sites(user) -> list:
    """The sites whose figures the user sees (Wagtail ``Site`` rows with ``profile``)."""
    from cms.sitegroup.access import site_access

    return list(site_access(user).sites().select_related("root_page"))


@dataclass
class SiteFigures:
    site: object
    name: str
    code: str
    pending: int = 0
    oldest_pending_days: int | None = None
    overdue: list = field(default_factory=list)
    blank: list = field(default_factory=list)
    weekly: list[int] = field(default_factory=lambda: [0] * WEEKS)

    @property
    def published(self) -> int:
        return sum(self.weekly)

    def sort_key(self):
        """Worst first: columns past their update interval, then waiting reviews, then blank
        columns; among equals, the site that published least."""
        return (-len(self.overdue), -self.pending, -(self.oldest_pending_days or 0),
                -len(self.blank), self.published, self.code)  # fmt: skip


@dataclass
class Item:
    page_id: int
    title: str
    site_name: str
    days: int
    detail: str = ""
    who: str = ""


@dataclass
class ColumnState:
    page_id: int
    title: str
    site_name: str
    expected_days: int | None
    last_published: dt.datetime | None
    overdue_days: int | None = None


class Cockpit:
    def __init__(self, user, now: dt.datetime | None = None):
        self.user = user
        self.now = now or timezone.now()
        self.sites = managed_sites(user)
        self.roots = {site.root_page.path: site for site in self.sites}
        self._lengths = sorted({len(p) for p in self.roots})
        self.figures = {
            site.pk: SiteFigures(
                site=site,
                name=site.profile.name if getattr(site, "profile", None) else site.site_name,
                code=site.profile.division_code if getattr(site, "profile", None) else "",
            )
            for site in self.sites
        }
        if self.sites:
            self._load()

    # --- helpers -------------------------------------------------------------
    def site_of(self, path: str):
        for length in self._lengths:
            site = self.roots.get(path[:length])
            if site is not None:
                return site
        return None

    def _in_sites(self, prefix: str = "") -> Q:
        q = Q(pk__in=[])
        for root in self.roots:
            q |= Q(**{f"{prefix}path__startswith": root})
        return q

    def _days(self, when) -> int:
        return max(0, (self.now - when).days) if when else 0

    @cached_property
    def _column_types(self) -> list[int]:
        from cms.content.models import ColumnPage, HomePage, TownshipPage

        return [
            ct.pk
            for ct in ContentType.objects.get_for_models(
                ColumnPage, TownshipPage, HomePage
            ).values()
        ]

    @property
    def week_starts(self) -> list[dt.date]:
        today = timezone.localdate(self.now)
        monday = today - dt.timedelta(days=today.weekday())
        return [monday - dt.timedelta(weeks=WEEKS - 1 - i) for i in range(WEEKS)]

    # --- loading --------------------------------------------------------------
    def _load(self) -> None:
        self._load_reviews()
        self._load_own()
        self._load_columns()
        self._load_activity()

    def _load_reviews(self) -> None:
        """Steps in progress in the user's sites; those the user may act on are "待我审核"."""
        states = TaskState.objects.filter(
            status=TaskState.STATUS_IN_PROGRESS,
            workflow_state__status=WorkflowState.STATUS_IN_PROGRESS,
            workflow_state__base_content_type=ContentType.objects.get_for_model(Page),
        ).order_by("started_at")
        rows = list(states.values_list("pk", "task_id", "started_at", "workflow_state__object_id",
                                       "workflow_state__requested_by_id"))  # fmt: skip
        if not rows:
            self.my_reviews = []
            return
        page_ids = {int(r[3]) for r in rows}
        pages = {
            pk: (title, path)
            for pk, title, path in Page.objects.filter(
                self._in_sites(), pk__in=page_ids
            ).values_list("pk", "draft_title", "path")
        }
        mine = self._tasks_for_user({r[1] for r in rows})
        users = self._user_names({r[4] for r in rows if r[4]})
        self.my_reviews = []
        for _pk, task_id, started_at, object_id, requested_by in rows:
            page = pages.get(int(object_id))
            if page is None:
                continue
            site = self.site_of(page[1])
            figures = self.figures[site.pk]
            days = self._days(started_at)
            figures.pending += 1
            figures.oldest_pending_days = max(figures.oldest_pending_days or 0, days)
            if task_id in mine:
                self.my_reviews.append(
                    Item(
                        int(object_id), page[0], figures.name, days, who=users.get(requested_by, "")
                    )
                )

    def _tasks_for_user(self, task_ids) -> set[int]:
        from wagtail.models import GroupApprovalTask

        tasks = GroupApprovalTask.objects.filter(pk__in=task_ids, active=True)
        if not self.user.is_superuser:
            tasks = tasks.filter(groups__in=self.user.groups.all())
        return set(tasks.values_list("pk", flat=True))

    def _user_names(self, ids) -> dict[int, str]:
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.filter(pk__in=ids).select_related("staff_profile")
        return {u.pk: u.get_full_name() or u.get_username() for u in users}

    def _load_own(self) -> None:
        drafts = (
            Page.objects.filter(self._in_sites(), owner=self.user)
            .filter(Q(live=False) | Q(has_unpublished_changes=True))
            .exclude(
                # In review or sent back: listed under 待我审核/被退回, not as a draft.
                Exists(
                    WorkflowState.objects.filter(
                        status__in=(
                            WorkflowState.STATUS_IN_PROGRESS,
                            WorkflowState.STATUS_NEEDS_CHANGES,
                        ),
                        base_content_type=ContentType.objects.get_for_model(Page),
                        object_id=Cast(OuterRef("pk"), CharField()),
                    )
                )
            )
            .order_by("-latest_revision_created_at")
            .values_list("pk", "draft_title", "path", "latest_revision_created_at")
        )
        self.drafts = [
            Item(pk, title, self.figures[self.site_of(path).pk].name, self._days(edited))
            for pk, title, path, edited in drafts[:LIST_LIMIT]
        ]
        rejected = list(
            WorkflowState.objects.filter(
                status=WorkflowState.STATUS_NEEDS_CHANGES, requested_by=self.user
            )
            .order_by("-created_at")
            .values_list("object_id", "current_task_state__comment",
                         "current_task_state__finished_at", "current_task_state__task__name")[:LIST_LIMIT]
        )  # fmt: skip
        pages = dict(
            Page.objects.filter(self._in_sites(), pk__in=[int(r[0]) for r in rejected]).values_list(
                "pk", "draft_title"
            )
        )
        self.rejected = [
            Item(int(oid), pages[int(oid)], "", self._days(when), detail=comment or "", who=task)
            for oid, comment, when, task in rejected
            if int(oid) in pages
        ]

    def _newest_below(self) -> dict[str, dt.datetime]:
        """The newest publication below each path: the live pages that are not columns,
        grouped by their parent in one query, each parent's newest carried up to its
        ancestors. (A subquery per column scanned every page below it, and on PostgreSQL
        a path prefix is no index range: at 100,000 pages the home screen took 90 s.)"""
        step = Page.steplen
        rows = (
            Page.objects.filter(self._in_sites(), live=True, last_published_at__isnull=False)
            .exclude(content_type_id__in=self._column_types)
            .annotate(parent=Substr("path", 1, Length("path") - step))
            .values("parent")
            .annotate(newest=Max("last_published_at"))
            .order_by()
            .values_list("parent", "newest")
        )
        newest: dict[str, dt.datetime] = {}
        for parent, when in rows:
            for end in range(step, len(parent) + 1, step):
                ancestor = parent[:end]
                if ancestor not in newest or when > newest[ancestor]:
                    newest[ancestor] = when
        return newest

    def _load_columns(self) -> None:
        from cms.content.models import ColumnPage, TownshipPage

        newest = self._newest_below()
        columns = []
        for model in (ColumnPage, TownshipPage):
            columns += [
                (pk, title, path, days, newest.get(path))
                for pk, title, path, days in model.objects.filter(self._in_sites())
                .order_by("path")
                .values_list("pk", "title", "path", "expected_update_days")
            ]
        paths = sorted(c[2] for c in columns)
        has_subcolumn = {
            p for i, p in enumerate(paths) if i + 1 < len(paths) and paths[i + 1].startswith(p)
        }
        self.overdue, self.blank = [], []
        for pk, title, path, days, newest_at in columns:
            site = self.site_of(path)
            figures = self.figures[site.pk]
            state = ColumnState(pk, title, figures.name, days, newest_at)
            if newest_at is None and path not in has_subcolumn:
                figures.blank.append(state)
                self.blank.append(state)
            elif days and newest_at is not None:
                late = self._days(newest_at) - days
                if late > 0:
                    state.overdue_days = late
                    figures.overdue.append(state)
                    self.overdue.append(state)
        self.overdue.sort(key=lambda c: -(c.overdue_days or 0))

    def _load_activity(self) -> None:
        starts = self.week_starts
        since = dt.datetime.combine(starts[0], dt.time.min, tzinfo=timezone.get_current_timezone())
        self.weekly = [0] * WEEKS
        rows = (
            Page.objects.filter(self._in_sites(), first_published_at__gte=since)
            .exclude(content_type_id__in=self._column_types)
            .values_list("path", "first_published_at")
        )
        for path, when in rows:
            site = self.site_of(path)
            week = (timezone.localdate(when) - starts[0]).days // 7
            if site is not None and 0 <= week < WEEKS:
                self.figures[site.pk].weekly[week] += 1
                self.weekly[week] += 1

    # --- views of the figures ------------------------------------------------
    @property
    def multi_site(self) -> bool:
        return len(self.sites) > 1

    @property
    def total_published(self) -> int:
        return sum(self.weekly) if self.sites else 0

    def per_site(self) -> list[SiteFigures]:
        return sorted(self.figures.values(), key=SiteFigures.sort_key)

    def page_count(self) -> int:
        return Page.objects.filter(self._in_sites()).count() if self.sites else 0
