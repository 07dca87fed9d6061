"""Admin integration of the publication review: word list screens, publish refusal, log actions.

Who may stop a review: Wagtail lets anyone who may approve the current step
cancel the whole workflow (``WorkflowState.user_can_cancel``), so a 初审 could
withdraw an editor's submission instead of rejecting it with a reason. Here only
the person who submitted the page, the page's owner and administrators cancel
or restart a workflow; reviewers approve or request changes.
"""

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import log
from wagtail.models import Page
from wagtail_modeladmin.options import ModelAdminGroup, modeladmin_register

from cms.content import listing
from cms.content.publication import find_problems
from cms.sitegroup.admin import SiteListFilter, SiteOwnedModelAdmin

from .audit import LOGIN, LOGIN_FAILED, PERMISSION_CHANGE, PUBLICATION_REFUSED
from .models import SensitiveWord


class SensitiveWordAdmin(SiteOwnedModelAdmin):
    model = SensitiveWord
    include_global = True
    menu_label = _("敏感词与错别字")
    menu_icon = "warning"
    list_display = ("word", "kind", "replacement", "site", "note", "updated_at")
    list_filter = ("kind", SiteListFilter)
    search_fields = ("word", "replacement", "note")
    form_fields_exclude = ("created_at", "updated_at")


class ReviewGroup(ModelAdminGroup):
    menu_label = _("信息发布审查")
    menu_icon = "tasks"
    menu_order = 250
    items = (SensitiveWordAdmin,)


modeladmin_register(ReviewGroup)


@hooks.register("before_publish_page")
def refuse_publication_with_reason(request, page):
    """A page that fails the checks is saved as a draft, not published, and the editor is told why.

    Without this the publish guard in ``LianxiPage.publish`` would answer the
    "Publish" button with a bare 403.
    """
    problems = find_problems(page)
    if not problems:
        return None
    if page.live and page.live_revision_id is None:
        # The create view adds a new page as live before publishing it.
        Page.objects.filter(pk=page.pk).update(live=False, has_unpublished_changes=True)
        listing.sync([page.pk])  # an update fires no signal
        page.live = False
    reasons = ";".join(p.message for p in problems)
    log(
        instance=page,
        action=PUBLICATION_REFUSED,
        user=request.user,
        revision=page.get_latest_revision(),
        data={"problems": [p.message for p in problems]},
    )
    messages.error(
        request,
        gettext("“%(title)s”未发布,已保存为草稿。原因:%(reasons)s")
        % {"title": page.get_admin_display_title(), "reasons": reasons},
    )
    return redirect(reverse("wagtailadmin_pages:edit", args=[quote(page.pk)]))


# --- A submission the automatic check stopped: said at once, in red ----------------


def _stopped_by_automatic_check(page):
    """The rejected automatic-check task state of the page's latest submission, if any."""
    from wagtail.models import TaskState, WorkflowState

    from .models import AutomaticCheckTask

    state = (
        WorkflowState.objects.for_instance(page)
        .filter(status=WorkflowState.STATUS_NEEDS_CHANGES)
        .select_related("current_task_state__task")
        .first()
    )
    task_state = state.current_task_state if state else None
    if (
        task_state is None
        or task_state.status != TaskState.STATUS_REJECTED
        or not isinstance(task_state.task.specific, AutomaticCheckTask)
    ):
        return None
    return task_state


def _problems_message(page, task_state):
    from django.utils.html import format_html, format_html_join

    from cms.content.publication import find_problems

    problems = [p.message for p in find_problems(page.get_latest_revision_as_object())]
    if not problems:  # the word list changed since: fall back on what the check said
        problems = [task_state.comment]
    return format_html(
        '<strong>{}</strong><ul class="lianxi-problems">{}</ul>{}',
        gettext("自动检查未通过,“%(title)s”没有进入审核。")
        % {"title": page.get_admin_display_title()},
        format_html_join("", "<li>{}</li>", ((p,) for p in problems)),
        gettext("请修改上述内容后重新提交审核。"),
    )


def _drop_success_messages(request):
    from django.contrib import messages as django_messages

    storage = django_messages.get_messages(request)
    kept = [m for m in storage if m.level != django_messages.SUCCESS]  # marks all as read
    for m in kept:
        django_messages.add_message(request, m.level, m.message, extra_tags=m.extra_tags)


def _after_submit(request, page):
    if "action-submit" not in request.POST:
        return None
    task_state = _stopped_by_automatic_check(page)
    if task_state is None:
        return None
    # Wagtail said "submitted for moderation" in green; it was not. The edit
    # form it goes back to says why (``remind_what_the_check_found``).
    _drop_success_messages(request)
    return redirect(reverse("wagtailadmin_pages:edit", args=[quote(page.pk)]))


hooks.register("after_create_page", _after_submit)
hooks.register("after_edit_page", _after_submit)


@hooks.register("before_edit_page")
def remind_what_the_check_found(request, page):
    """Opening a page the check stopped shows the words again, until it is resubmitted."""
    if request.method == "GET":
        task_state = _stopped_by_automatic_check(page)
        if task_state is not None:
            messages.error(request, _problems_message(page, task_state))


@hooks.register("register_log_actions")
def register_review_log_actions(actions):
    actions.register_action(LOGIN, _("登录"), _("登录后台"))
    actions.register_action(LOGIN_FAILED, _("登录失败"), _("登录失败"))
    actions.register_action(PERMISSION_CHANGE, _("权限变更"), _("权限变更"))
    actions.register_action(PUBLICATION_REFUSED, _("拒绝发布"), _("发布检查未通过,未发布"))


WITHDRAWING_ACTIONS = ("action-cancel-workflow", "action-restart-workflow")


def may_withdraw(user, page) -> bool:
    """Whether ``user`` may cancel or restart ``page``'s workflow (the submitter's call)."""
    state = page.current_workflow_state
    if state is None or user.is_superuser:
        return True
    return user.pk in (state.requested_by_id, page.owner_id)


@hooks.register("construct_page_action_menu")
def hide_withdrawing_from_reviewers(menu_items, request, context):
    page = context.get("page")
    if page is not None and page.pk and not may_withdraw(request.user, page):
        menu_items[:] = [item for item in menu_items if item.name not in WITHDRAWING_ACTIONS]


@hooks.register("before_edit_page")
def refuse_withdrawing_by_reviewers(request, page):
    if request.method == "POST" and any(request.POST.get(a) for a in WITHDRAWING_ACTIONS):
        if not may_withdraw(request.user, page):
            raise PermissionDenied(
                gettext("只有提交人可以撤回审核流程；审核人请“退回修改”并说明理由。")
            )


# --- The audit administrator's audit log (cms.review.audit_admin) ------------------


@hooks.register("register_admin_urls")
def register_audit_log_urls():
    from django.urls import path

    from .audit_admin import audit_log_view

    return [path("audit-log/", audit_log_view, name="review_audit_log")]


class AuditLogMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("review.view_audit_log")


@hooks.register("register_menu_item")
def register_audit_log_menu_item():
    return AuditLogMenuItem(
        _("审计日志"), reverse("review_audit_log"), icon_name="history", order=9000
    )
