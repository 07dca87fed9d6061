"""Each role's allowed and refused page actions, through the admin.

Editor: writes and submits; offered only the page types a column takes (no
乡镇人大栏目 or 法规 under 人大要闻). 初审: approves or sends back, cannot
withdraw the submission. 终审: approves the last step (which publishes) and
cannot publish around the 初审. Township staff: their own column only.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import WorkflowState

from cms.content.models import ArticlePage, ColumnPage, RegulationPage, TownshipPage
from cms.sitegroup.provisioning import provision_township, township_staff_group
from tests.review.test_review_workflow import approve, article_form, create_page, workflow_state


@pytest.fixture
def feixi(site_group):
    return site_group["340123"]


def column(profile, slug):
    return ColumnPage.objects.child_of(profile.root_page).get(slug=slug)


@pytest.fixture
def staff(feixi, make_user):
    township = TownshipPage.objects.get(division_code="340123100")
    return {
        "editor": make_user("fx-editor", feixi.editors_group),
        "first": make_user("fx-first", feixi.first_reviewers_group),
        "final": make_user("fx-final", feixi.final_reviewers_group),
        "township": make_user("shangpai", township_staff_group(township)),
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def add_url(model, parent):
    return reverse("wagtailadmin_pages:add", args=("content", model, parent.pk))


def test_columns_offer_only_the_page_types_they_take(site_group, staff):
    editor = client_for(staff["editor"])
    feixi = site_group["340123"]
    news = column(feixi, "news")
    html = editor.get(reverse("wagtailadmin_pages:add_subpage", args=[news.pk])).content.decode()
    assert add_url("articlepage", news) in html
    assert add_url("townshippage", news) not in html
    assert add_url("regulationpage", news) not in html
    townships = column(feixi, "townships")
    html = editor.get(reverse("wagtailadmin_pages:add_subpage", args=[townships.pk]))
    assert add_url("townshippage", townships) in html.content.decode()

    # A crafted request for the refused types creates nothing.
    for model in ("townshippage", "regulationpage"):
        editor.post(add_url(model, news), {**article_form("不该出现", "正文"), "division_code": ""})
    assert not TownshipPage.objects.child_of(news).exists()
    assert not RegulationPage.objects.child_of(news).exists()


def test_regulations_only_in_the_regulation_library(site_group, make_user):
    hefei = site_group["340100"]
    editor = client_for(make_user("hf-editor", hefei.editors_group))
    library, news = column(hefei, "regulations"), column(hefei, "news")
    html = editor.get(reverse("wagtailadmin_pages:add_subpage", args=[library.pk])).content
    assert add_url("regulationpage", library) in html.decode()
    assert not RegulationPage.can_create_at(news)


def test_final_reviewer_cannot_publish_around_the_first(feixi, staff):
    news = column(feixi, "news")
    editor, final = client_for(staff["editor"]), client_for(staff["final"])
    page = create_page(editor, news, {**article_form("待审稿件", "正文。"), "action-submit": "1"})
    # Creating or publishing directly is not the 终审's job.
    assert final.get(add_url("articlepage", news)).status_code != 200
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert 'name="action-publish"' not in final.get(edit_url).content.decode()
    final.post(
        edit_url, {**article_form("待审稿件", "正文。", slug=page.slug), "action-publish": "1"}
    )
    page.refresh_from_db()
    assert not page.live
    assert page.current_workflow_task.name.startswith("初审")
    # In order, the last approval publishes.
    approve(client_for(staff["first"]), page)
    approve(final, page)
    page.refresh_from_db()
    assert page.live


def test_first_reviewer_cannot_withdraw_a_submission(feixi, staff):
    news = column(feixi, "news")
    editor, first = client_for(staff["editor"]), client_for(staff["first"])
    page = create_page(editor, news, {**article_form("撤回测试", "正文。"), "action-submit": "1"})
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    html = first.get(edit_url).content.decode()
    assert 'name="action-cancel-workflow"' not in html
    data = article_form("撤回测试", "正文。", slug=page.slug)
    response = first.post(edit_url, {**data, "action-cancel-workflow": "1"})
    assert response.status_code in (302, 403)
    assert workflow_state(page).status == WorkflowState.STATUS_IN_PROGRESS
    # The editor who submitted it may.
    assert 'name="action-cancel-workflow"' in editor.get(edit_url).content.decode()
    editor.post(edit_url, {**data, "action-cancel-workflow": "1"})
    assert workflow_state(page).status == WorkflowState.STATUS_CANCELLED


def test_township_staff_edit_their_column_only(feixi, staff):
    own = TownshipPage.objects.get(division_code="340123100")
    other, _ = provision_township(feixi, "340123101", "桃花镇人大")
    township = client_for(staff["township"])

    assert township.get(reverse("wagtailadmin_pages:edit", args=[own.pk])).status_code == 200
    page = create_page(township, own, {**article_form("上派镇人大动态", "正文。")})
    assert page.get_parent().pk == own.pk
    # Submitted to the county's reviewers like any page of the site.
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = article_form("上派镇人大动态", "正文。", slug=page.slug)
    assert township.post(edit_url, {**data, "action-submit": "1"}).status_code == 302
    assert page.current_workflow_task.name.startswith("初审")

    news = column(feixi, "news")
    for url in (
        reverse("wagtailadmin_pages:edit", args=[other.pk]),
        reverse("wagtailadmin_pages:edit", args=[news.pk]),
        add_url("articlepage", news),
        add_url("articlepage", other),
    ):
        assert township.get(url).status_code != 200, url
    township.post(add_url("articlepage", news), article_form("越界稿件", "正文。"))
    assert not ArticlePage.objects.filter(title="越界稿件").exists()
    assert township_staff_group(other) != township_staff_group(own)


def test_migrate_corrects_existing_groups_and_townships(feixi):
    """Groups provisioned under the old roles are brought in line by one ``migrate``."""
    from django.core.management import call_command
    from wagtail.models import GroupPagePermission

    from cms.sitegroup.provisioning import grant_page_permissions

    final = feixi.final_reviewers_group
    grant_page_permissions(final, feixi.root_page, ("add_page", "publish_page"))  # the old role
    township = TownshipPage.objects.get(division_code="340123100")
    township_staff_group(township).delete()  # a column from before township staff
    assert township_staff_group(township) is None

    call_command("migrate", verbosity=0, interactive=False)

    held = set(
        GroupPagePermission.objects.filter(group=final).values_list(
            "permission__codename", flat=True
        )
    )
    assert held == {"change_page", "lock_page", "unlock_page"}
    group = township_staff_group(township)
    assert group is not None
    assert group.permissions.filter(content_type__app_label="deputies").exists()
