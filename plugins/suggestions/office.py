"""The office's tools: the board, Excel exports, bulk assignment, merged handling, the import.

* 议案建议 (the plugin's list, ``/admin/suggestions/suggestion/``) is the
  office's **board**: every item of the user's sites with the plugin on, by
  state and clock state (read in bulk from ``cms.services.deadlines``), with
  filters, counts per state and per clock state, open and overdue
  commitments; select items to assign them in one action (each gets its own
  clock and history line) or to merge them (并案办理). ``?export=xlsx`` exports
  the filtered list.
* 承办件 (the units' queue) exports the same way (``?export=xlsx``).
* 导入历史议案建议 (``suggestions_import``): a past session's workbook, all or
  nothing with a row report; its template (``suggestions_import_template``).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Q, When
from django.forms.utils import flatatt
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from wagtail.models import Site

from cms.plugins import site_access
from cms.services import deadlines, spreadsheets

from . import importer, workflow
from .models import Assignment, Category, Kind, Period, RatingResult, State, Suggestion

LABEL = "suggestions"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
CLOCK_RULES = (workflow.REPLY_RULE, workflow.REHANDLING_RULE)
#: The clock states the board filters and counts (``none``: no clock yet).
CLOCK_CHOICES = [(s.value, s.label) for s in deadlines.DeadlineState] + [("none", "未计时")]
COMMITMENT_CHOICES = [("open", "待落实"), ("overdue", "逾期未落实"), ("reported", "单位已报告待确认"),
                      ("done", "已落实")]  # fmt: skip


def handling_units():
    from django.apps import apps

    return apps.get_model("accounts", "HandlingUnit").objects.filter(active=True)


# --- the board's filters -------------------------------------------------------------------


class QuickSelect(forms.Select):
    """A ``<select>`` written directly rather than through a template per option: the
    board's unit filter lists every handling unit of the province (hundreds)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])
            for _group, group_options, _index in widget["optgroups"] for option in group_options
        ))  # fmt: skip
        return format_html('<select name="{}"{}>{}</select>', widget["name"],
                           flatatt(widget["attrs"]), options)  # fmt: skip


class BoardFilter(forms.Form):
    site = forms.ModelChoiceField(label="站点", queryset=None, required=False, empty_label="全部")
    state = forms.ChoiceField(label="状态", choices=[("", "全部"), *State.choices], required=False)
    clock = forms.ChoiceField(label="期限", choices=[("", "全部"), *CLOCK_CHOICES], required=False)
    session = forms.ChoiceField(label="届次会议", choices=(), required=False)
    unit = forms.ModelChoiceField(
        label="承办单位", queryset=None, required=False, empty_label="全部"
    )
    category = forms.ChoiceField(label="分类", choices=[("", "全部"), *Category.choices],
                                 required=False)  # fmt: skip
    kind = forms.ChoiceField(label="类别", choices=[("", "全部"), *Kind.choices], required=False)
    period = forms.ChoiceField(label="提出时间", choices=[("", "全部"), *Period.choices],
                               required=False)  # fmt: skip
    commitment = forms.ChoiceField(label="承诺事项", choices=[("", "全部"), *COMMITMENT_CHOICES],
                                   required=False)  # fmt: skip
    moderation_status = forms.ChoiceField(label="审核", required=False)
    q = forms.CharField(label="搜索", required=False, help_text="标题、代表、编号")

    def __init__(self, *args, site_ids, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(pk__in=site_ids).order_by("pk")
        self.fields["unit"].queryset = (
            handling_units().filter(site_id__in=site_ids).order_by("site_id", "name")
        )
        self.fields["session"].choices = [("", "全部")] + [(s, s) for s in sessions]
        status = Suggestion._meta.get_field("moderation_status")
        self.fields["moderation_status"].choices = [("", "全部"), *status.choices]
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                field.widget = QuickSelect(attrs=field.widget.attrs, choices=field.choices)


def _filtered(rows, data: dict, today: dt.date):
    if data.get("site"):
        rows = rows.filter(site_id=data["site"].pk)
    for name in ("session", "category", "kind", "period", "moderation_status"):
        if data.get(name):
            rows = rows.filter(**{name: data[name]})
    if data.get("unit"):
        # a subquery rather than a join: no duplicate rows, so no DISTINCT over the board
        held = Assignment.objects.filter(unit=data["unit"], returned_at__isnull=True)
        rows = rows.filter(pk__in=held.values("suggestion_id"))
    commitment = data.get("commitment")
    if commitment:
        open_ = Q(commitment_due__isnull=False, commitment_done_at__isnull=True)
        rows = rows.filter(
            {
                "open": open_,
                "overdue": open_ & Q(commitment_due__lt=today),
                "reported": open_ & Q(commitment_reported_at__isnull=False),
                "done": Q(commitment_done_at__isnull=False),
            }[commitment]
        )
    if data.get("q"):
        q = data["q"].strip()
        rows = rows.filter(Q(title__icontains=q) | Q(deputy_name__icontains=q) | Q(number=q))
    return rows


def clock_states(ids) -> tuple[dict[int, object], dict[int, str]]:
    """Each item's newest reply clock and its state, read in bulk."""
    clocks = deadlines.clocks_of(Suggestion, ids, CLOCK_RULES)
    states = deadlines.states(clocks.values())
    by_item = {int(pk): clock for pk, clock in clocks.items()}
    return by_item, {pk: states[clock.pk].value for pk, clock in by_item.items()}


class _Count(Paginator):
    """A paginator told the count the board has already counted (no second COUNT query)."""

    def __init__(self, rows, per_page, count: int):
        super().__init__(rows, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached_property


class Board:
    """The board's rows for a request: filtered, with clock states, counts and selection.

    Two queries give every filtered item's clock state (computed in SQL by
    ``deadlines.newest_states``), state and commitment: the counts per state, per clock
    state and of overdue commitments come from them; clocks themselves are read for one
    page's rows only (``read_clocks``)."""

    def __init__(self, request, base):
        self.request, self.today = request, timezone.localdate()
        self.clock_labels = {value: str(label) for value, label in CLOCK_CHOICES}
        self.labels = {name: _labels(choices) for name, choices in (
            ("kind", Kind), ("category", Category), ("state", State),
            ("moderation_status", Suggestion._meta.get_field("moderation_status").choices),
        )}  # fmt: skip
        site_ids = sorted(site_access(request).plugin_site_ids(LABEL))
        self.site_ids = site_ids
        sessions = (base.exclude(session="").order_by("-session").values_list("session", flat=True)
                    .distinct())  # fmt: skip
        self.form = BoardFilter(request.GET or None, site_ids=site_ids, sessions=list(sessions))
        self.form.is_valid()  # a bad value drops its own filter only
        data = getattr(self.form, "cleaned_data", {})
        self.data = data
        rows = _filtered(base, data, self.today)
        # Every filtered item's clock state in one query (computed in SQL), and its state
        # and commitment in another: the counts, the clock filter and the total from them.
        clock_of = deadlines.newest_states(Suggestion, rows, CLOCK_RULES)
        overdue = Q(commitment_due__lt=self.today, commitment_done_at__isnull=True)
        items = rows.order_by().annotate(late=Case(When(overdue, then=True), default=False))
        wanted_clock, wanted_state = data.get("clock"), data.get("state")
        by_state: dict[str, int] = {}
        tally: dict[str, int] = {}
        chosen: list[int] = []
        self.commitments_overdue = 0
        for pk, state, late in items.values_list("pk", "state", "late"):
            clock = clock_of.get(pk, "none")
            if wanted_clock and clock != wanted_clock:
                continue
            chosen.append(pk)
            by_state[state] = by_state.get(state, 0) + 1
            if not wanted_state or state == wanted_state:
                tally[clock] = tally.get(clock, 0) + 1
                self.commitments_overdue += bool(late)
        if wanted_clock:
            rows = rows.filter(pk__in=chosen)
        # Counts per state for every state filter (the other filters applied).
        self.state_counts = [(v, label, by_state.get(v, 0)) for v, label in State.choices]
        if data.get("state"):
            rows = rows.filter(state=data["state"])
        self.total = sum(tally.values())
        self.clock_counts = [(v, label, tally[v]) for v, label in CLOCK_CHOICES if tally.get(v)]
        self.rows = rows.select_related("merge_group", "site").prefetch_related(
            "assignments__unit", "cosigners", "ratings"
        ).order_by("-created_at", "-pk")  # fmt: skip
        self.clocks: dict[int, object] = {}
        self.clock_state: dict[int, str] = {}

    def page(self, number):
        return _Count(self.rows, PAGE_SIZE, self.total).get_page(number)

    def read_clocks(self, suggestions) -> None:
        """The clocks of the rows shown (a page, or a chunk of an export) and their states."""
        found = deadlines.clocks_of(Suggestion, [s.pk for s in suggestions], CLOCK_RULES)
        states = deadlines.states(found.values())
        for pk, clock in found.items():
            self.clocks[int(pk)] = clock
            self.clock_state[int(pk)] = states[clock.pk].value

    def query(self, *drop: str, **changes) -> str:
        """The filters' query string without ``drop`` (and the page), with ``changes``."""
        params = {k: v for k, v in self.request.GET.items()
                  if k not in ("page", "export", *drop)}  # fmt: skip
        params.update(changes)
        return urlencode({k: v for k, v in params.items() if v})

    @property
    def q_page(self) -> str:
        return self.query()

    @property
    def q_state(self) -> str:
        return self.query("state")

    @property
    def q_clock(self) -> str:
        return self.query("clock")

    @property
    def q_commitment(self) -> str:
        return self.query("commitment")

    def item(self, suggestion) -> dict:
        clock = self.clocks.get(suggestion.pk)
        state = self.clock_state.get(suggestion.pk, "none")
        lead = suggestion.lead_assignment
        labels = {f"{name}_label": self.labels[name].get(getattr(suggestion, name), "")
                  for name in self.labels}  # fmt: skip
        return {**labels,
            "s": suggestion, "clock": clock, "clock_state": state,
            "clock_label": self.clock_labels.get(state, ""),
            "late": state in ("overdue", "long_overdue"), "lead": lead,
            "commitment_overdue": suggestion.commitment_open
            and suggestion.commitment_due < self.today,
        }  # fmt: skip


# --- the board view ----------------------------------------------------------------------


class BulkAssignForm(forms.Form):
    lead = forms.ModelChoiceField(label="主办单位", queryset=None)
    co_units = forms.ModelMultipleChoiceField(label="协办单位", queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple)  # fmt: skip
    lead_due = forms.DateField(label="主办单位内部期限", required=False)
    co_due = forms.DateField(label="协办单位内部期限", required=False)

    def __init__(self, *args, site_ids, **kwargs):
        super().__init__(*args, **kwargs)
        units = handling_units().filter(site_id__in=site_ids).order_by("site_id", "name")
        self.fields["lead"].queryset = units
        self.fields["co_units"].queryset = units


class MergeForm(forms.Form):
    title = forms.CharField(label="并案名称", max_length=200, required=False,
                            help_text="留空:用第一件的标题")  # fmt: skip


def board_view(request, model_admin):
    """The office's board (the plugin's list); POST: bulk assignment or merged handling."""
    if not model_admin.permission_helper.user_can_list(request.user):
        raise PermissionDenied
    base = model_admin.get_queryset(request)
    if request.method == "POST":
        return _bulk(request, base)
    board = Board(request, base)
    if request.GET.get("export") == "xlsx":
        return _download(export_board(board), "suggestions.xlsx")
    page = board.page(request.GET.get("page"))
    board.read_clocks(page.object_list)
    can_change = request.user.has_perm("suggestions.change_suggestion")
    return TemplateResponse(request, "suggestions/admin/board.html", {
        "board": board, "page": page, "object_list": page.object_list,
        "items": [board.item(s) for s in page.object_list], "can_change": can_change,
        "can_add": model_admin.permission_helper.user_can_create(request.user),
        "assign_form": _assign_form(board), "merge_form": MergeForm(),
        "export_query": board.query(export="xlsx"), "State": State,
    })  # fmt: skip


def _assign_form(board: Board):
    """The bulk assignment's units: one site's (the filtered site, or the user's only one);
    a province's office chooses the site first rather than get every county's units."""
    site = board.data.get("site")
    site_ids = [site.pk] if site else board.site_ids if len(board.site_ids) == 1 else []
    return BulkAssignForm(site_ids=site_ids) if site_ids else None


def _bulk(request, base):
    if not request.user.has_perm("suggestions.change_suggestion"):
        raise PermissionDenied
    ids = [int(v) for v in request.POST.getlist("items") if v.isdigit()]
    chosen = list(base.filter(pk__in=ids).order_by("pk"))
    back = request.POST.get("back", "")
    target = reverse("suggestions_suggestion_modeladmin_index") + (f"?{back}" if back else "")
    action = request.POST.get("action")
    try:
        if not chosen:
            raise ValidationError("请先勾选议案建议。")
        site_ids = {s.site_id for s in chosen}
        if action == "assign":
            form = BulkAssignForm(request.POST, site_ids=site_ids)
            if not form.is_valid():
                raise ValidationError(
                    "; ".join(f"{form.fields[k].label}:{''.join(v)}" for k, v in form.errors.items())
                    if len(site_ids) == 1 else "所选议案建议须属于同一站点,且承办单位须是该站点的单位。"
                )  # fmt: skip
            data = form.cleaned_data
            chosen = workflow.with_groups(chosen)  # a group's items go together
            workflow.assign_many(chosen, request.user, data["lead"], list(data["co_units"]),
                                 lead_due=data["lead_due"], co_due=data["co_due"])  # fmt: skip
            messages.success(request, f"已将 {len(chosen)} 件议案建议交办{data['lead']}。")
        elif action == "merge":
            form = MergeForm(request.POST)
            title = form.cleaned_data["title"] if form.is_valid() else ""
            group = workflow.merge(chosen, request.user, title)
            messages.success(request, f"已将 {len(chosen)} 件议案建议并案办理:{group.title}。")
        else:
            raise ValidationError("请选择操作。")
    except ValidationError as error:
        messages.error(request, "".join(error.messages))
    return redirect(target)


# --- exports -------------------------------------------------------------------------------

BOARD_COLUMNS = ("编号", "届次会议", "类别", "标题", "内容", "领衔代表", "附议代表", "分类", "站点",
                 "状态", "主办单位", "协办单位", "交办日期", "答复期限", "期限状态", "答复类别",
                 "答复内容", "答复日期", "评价", "承诺事项", "承诺完成时间", "承诺落实", "并案办理",
                 "纸质提交")  # fmt: skip


def _day(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.isoformat()


def _sheet(title: str, columns):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    header = []
    for name in columns:
        cell = spreadsheets.cell(sheet, name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    return workbook, sheet


def _labels(choices) -> dict[str, str]:
    """A choice set's (or a field's choices') labels, translated once for many rows."""
    return {value: str(label) for value, label in getattr(choices, "choices", choices)}


def export_board(board: Board) -> bytes:
    """The filtered board as a workbook: what the office sees, never a deputy's contact details."""
    workbook, sheet = _sheet("议案建议", BOARD_COLUMNS)
    # The labels translated once, not once per row (thousands of rows).
    kinds, states = _labels(Kind), _labels(State)
    categories, results = _labels(Category), _labels(RatingResult)
    rows = board.rows.defer(None).defer("fingerprint")  # the texts too (the list defers them)
    for chunk in _chunks(rows.iterator(chunk_size=500), 500):
        board.read_clocks(chunk)
        for suggestion in chunk:
            _export_row(sheet, board, suggestion, kinds, states, categories, results)
    return spreadsheets.workbook_bytes(workbook)


def _chunks(iterable, size: int):
    chunk = []
    for value in iterable:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _export_row(sheet, board, suggestion, kinds, states, categories, results) -> None:
    item = board.item(suggestion)
    units = [a for a in suggestion.assignments.all() if a.returned_at is None]
    lead = next((a.unit.name for a in units if a.role == Assignment.Role.LEAD), "")
    co = "、".join(a.unit.name for a in units if a.role == Assignment.Role.CO)
    clock = item["clock"]
    ratings = "、".join(f"{r.deputy_name}:{results.get(r.result, '')}(第{r.round}次)"
                       for r in suggestion.ratings.all())  # fmt: skip
    if suggestion.commitment_done_at:
        done = f"已落实({_day(suggestion.commitment_done_at)})"
    elif suggestion.commitment_due:
        done = "逾期未落实" if item["commitment_overdue"] else "待落实"
    else:
        done = ""
    spreadsheets.append(sheet, (
        suggestion.number, suggestion.session, kinds.get(suggestion.kind, ""), suggestion.title,
        suggestion.text, suggestion.deputy_name,
        "、".join(c.name for c in suggestion.cosigners.all() if c.confirmed_at),
        categories.get(suggestion.category, ""),
        suggestion.site.site_name, states.get(suggestion.state, ""), lead, co,
        _day(suggestion.assigned_on), _day(clock.due_on) if clock else "",
        item["clock_label"] if clock else "", suggestion.reply_class, suggestion.reply_text,
        _day(suggestion.replied_at), ratings, suggestion.commitment,
        _day(suggestion.commitment_due), done,
        suggestion.merge_group.title if suggestion.merge_group else "",
        "是" if suggestion.on_paper else "",
    ))  # fmt: skip


QUEUE_COLUMNS = ("编号", "届次会议", "标题", "领衔代表", "本单位", "承办方式", "状态", "内部期限",
                 "答复期限", "期限状态", "承诺事项", "承诺完成时间")  # fmt: skip


def export_queue(items) -> bytes:
    """A unit's queue as a workbook (the rows its staff see)."""
    workbook, sheet = _sheet("承办件", QUEUE_COLUMNS)
    for item in items:
        row, suggestion = item["row"], item["row"].suggestion
        clock = item.get("clock")
        spreadsheets.append(sheet, (
            suggestion.number, suggestion.session, suggestion.title, suggestion.deputy_name,
            row.unit.name, row.get_role_display(),
            "已退回" if row.returned_at else suggestion.get_state_display(), _day(row.due_on),
            _day(clock.due_on) if clock else "", item["clock_state"], suggestion.commitment,
            _day(suggestion.commitment_due),
        ))  # fmt: skip
    return spreadsheets.workbook_bytes(workbook)


def _download(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- the import ----------------------------------------------------------------------------


class ImportForm(forms.Form):
    site = forms.ModelChoiceField(label="站点", queryset=None)
    file = forms.FileField(label="Excel 文件", help_text="使用导入模板填写的 .xlsx 文件")
    dry_run = forms.BooleanField(label="仅校验,不写入", required=False)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                "只能导入 Excel 工作簿(.xlsx);.xls 或 .csv 请先在 Excel 中另存为 .xlsx。"
            )
        spreadsheets.check_upload(upload)
        return upload


def _import_sites(request):
    if not request.user.has_perm("suggestions.add_suggestion"):
        raise Http404
    sites = Site.objects.filter(pk__in=site_access(request).plugin_site_ids(LABEL)).order_by("pk")
    if not sites.exists():
        raise Http404
    return sites


def import_view(request):
    """导入历史议案建议: a past session's workbook, all or nothing, with a row report."""
    sites = _import_sites(request)
    form = ImportForm(request.POST or None, request.FILES or None, sites=sites)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = importer.import_workbook(data["file"], site=data["site"], user=request.user,
                                          dry_run=data["dry_run"])  # fmt: skip
        return TemplateResponse(request, "suggestions/admin/import_report.html",
                                {"report": report, "errors": report.errors[:1000],
                                 "hidden_errors": max(len(report.errors) - 1000, 0),
                                 "site": data["site"]})  # fmt: skip
    return TemplateResponse(request, "suggestions/admin/import.html",
                            {"form": form, "columns": importer.column_notes()})  # fmt: skip


def template_view(request):
    sites = _import_sites(request)
    site = (
        sites.filter(pk=request.GET.get("site") or 0).first() if request.GET.get("site") else None
    )
    return _download(importer.build_template(site), "suggestions-template.xlsx")


def urls() -> list:
    return [
        path("suggestions/import/", import_view, name="suggestions_import"),
        path("suggestions/import/template/", template_view, name="suggestions_import_template"),
    ]
