"""Who did what: history and review screens show each person's name and unit."""

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState

from cms.people.models import StaffProfile

from .helpers import add_url, article_form, client_for, created, first_column

FEIXI = "340123"
UNIT = "肥西县人大常委会"


@pytest.fixture
def staff(site_group, make_user):
    feixi = site_group[FEIXI]
    people = {
        "editor": (make_user("p-editor", feixi.editors_group), "李晓梅", f"{UNIT}办公室"),
        "first": (make_user("p-first", feixi.first_reviewers_group), "王建华", f"{UNIT}研究室"),
    }
    for user, name, unit in people.values():
        user.first_name = UNIT  # what the demo used to set: the office, for everyone
        user.save()
        StaffProfile.objects.create(user=user, name=name, unit=unit)
    return {key: value[0] for key, value in people.items()}


def test_history_and_workflow_screens_name_the_person_and_unit(site_group, staff):
    column = first_column(site_group[FEIXI])
    editor = client_for(staff["editor"])
    editor.post(add_url(column), {**article_form("座谈会纪要"), "action-submit": "1"})
    page = created(column, "座谈会纪要")
    state = WorkflowState.objects.for_instance(page).get()
    assert state.status == "in_progress"
    reviewer = client_for(staff["first"])
    task_state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk))
    assert reviewer.post(url, {"comment": "同意"}).status_code == 302

    history = reviewer.get(reverse("wagtailadmin_pages:history", args=(page.pk,)))
    html = history.content.decode()
    assert "李晓梅(肥西县人大常委会办公室)" in html
    assert "王建华(肥西县人大常委会研究室)" in html

    workflow = reviewer.get(reverse("wagtailadmin_pages:workflow_history", args=(page.pk,)))
    html = workflow.content.decode()
    assert "李晓梅(肥西县人大常委会办公室)" in html


def test_an_account_without_profile_keeps_djangos_name(make_user):
    user = make_user("plain")
    user.first_name, user.last_name = "Ada", "Lovelace"
    assert user.get_full_name() == "Ada Lovelace"
