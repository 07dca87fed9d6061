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
