"""Every site's publication workflow: automatic check → 初审 → 终审.

``ensure_site_workflow`` runs on ``site_provisioned``. ``publish_workflow_state``
is ``WAGTAIL_FINISH_WORKFLOW_ACTION``: it is imported while ``wagtail.models``
loads, so this module imports models lazily, inside functions only.
"""

from __future__ import annotations

AUTOMATIC_TASK_NAME = "自动检查"


def workflow_name(profile) -> str:
    return f"{profile.name} 发布审查"


def shared_automatic_task():
    from .models import AutomaticCheckTask

    task = AutomaticCheckTask.objects.filter(active=True).order_by("pk").first()
    if task is None:
        task = AutomaticCheckTask.objects.create(name=AUTOMATIC_TASK_NAME)
    return task


def ensure_site_workflow(profile):
    """Attach the site's workflow to its home page; never overwrite an admin's changes.

    If the home page already has a workflow (the one created here, edited or
    replaced by an administrator), it is left alone. Returns the workflow.
    """
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

    home = profile.site.root_page
    existing = WorkflowPage.objects.filter(page=home).select_related("workflow").first()
    if existing is not None:
        return existing.workflow

    name = workflow_name(profile)
    workflow = Workflow.objects.filter(name=name, active=True).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=name)
        steps = [shared_automatic_task()]
        for label, group in (
            ("初审", profile.first_reviewers_group),
            ("终审", profile.final_reviewers_group),
        ):
            if group is None:
                continue
            task = GroupApprovalTask.objects.create(name=f"{label} · {profile.name}")
            task.groups.set([group])
            steps.append(task)
        WorkflowTask.objects.bulk_create(
            WorkflowTask(workflow=workflow, task=task, sort_order=i) for i, task in enumerate(steps)
        )
    WorkflowPage.objects.create(page=home, workflow=workflow)
    return workflow


def on_site_provisioned(sender, profile, created, **kwargs):
    ensure_site_workflow(profile)


def publish_workflow_state(workflow_state, user=None):
    """Publish when a workflow is approved, unless the checks now fail.

    The automatic step checked this revision when it was submitted, but the
    word list may have grown since. Rather than letting the publish guard
    answer the final reviewer with a 403, the workflow goes back to "needs
    changes" at the automatic step, with the problems in its comment.
    """
    from cms.content.publication import find_problems

    revision = workflow_state.content_object.get_latest_revision()
    problems = find_problems(revision.as_object())
    if not problems:
        # The last step's approval is the authority to publish: reviewers hold no
        # ``publish_page`` (``cms.sitegroup.provisioning``), so nobody skips a step.
        revision.publish(user=user, skip_permission_checks=True)
        return
    refuse_in_workflow(workflow_state, revision, problems, user)


def refuse_in_workflow(workflow_state, revision, problems, user=None):
    from django.utils import timezone
    from django.utils.translation import gettext as _
    from wagtail.log_actions import log
    from wagtail.models import TaskState
    from wagtail.signals import workflow_rejected

    from .models import AutomaticCheckTask

    task = (
        AutomaticCheckTask.objects.filter(workflow_tasks__workflow=workflow_state.workflow).first()
        or workflow_state.current_task_state.task
    )
    comment = _("发布前复查未通过:") + ";".join(p.message for p in problems)
    task_state = task.specific.get_task_state_class()(
        workflow_state=workflow_state,
        revision=revision,
        task=task,
        status=TaskState.STATUS_REJECTED,
        finished_at=timezone.now(),
        comment=comment,
    )
    task_state.save()
    workflow_state.current_task_state = task_state
    workflow_state.status = workflow_state.STATUS_NEEDS_CHANGES
    workflow_state.save()
    obj = revision.as_object()
    log(
        instance=obj,
        action="lianxi.publication_refused",
        user=user,
        revision=revision,
        data={"problems": [p.message for p in problems], "comment": comment},
    )
    task_state.log_state_change_action(None, "reject")
    workflow_rejected.send(sender=workflow_state.__class__, instance=workflow_state, user=user)
