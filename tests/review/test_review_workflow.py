"""Publication review (信息发布审查) through the Wagtail admin: automatic check, 初审, 终审."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from wagtail.models import PageLogEntry, TaskState, WorkflowPage, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.content.models import ArticlePage, ColumnPage, Confidentiality
from cms.content.publication import PublicationRefused, find_problems
from cms.review.models import AutomaticCheckTask, SensitiveWord, WordKind
from cms.review.workflows import ensure_site_workflow

FEIXI = "340123"
WORD = "某敏感词"


@pytest.fixture
def feixi(site_group):
    return site_group[FEIXI]


@pytest.fixture
def column(feixi):
    return ColumnPage.objects.child_of(feixi.root_page).order_by("path").first()


@pytest.fixture
def staff(feixi, make_user):
    return {
        "editor": make_user("fx-editor", feixi.editors_group),
        "first": make_user("fx-first", feixi.first_reviewers_group),
        "final": make_user("fx-final", feixi.final_reviewers_group),
        "admin": make_user("fx-admin", superuser=True),
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def article_form(title, text, *, date="2026-03-01", confidentiality="public", slug=None):
    return nested_form_data(
        {
            "title": title,
            "slug": slug or "a-" + str(abs(hash(title)) % 10**8),
            "date": date,
            "source": "",
            "author": "",
            "summary": "",
            "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>"))]),
            "attachments": inline_formset([]),
            "comments": inline_formset([]),
            "confidentiality": confidentiality,
            "seo_title": "",
            "search_description": "",
        }
    )


def create_page(client, column, data):
    url = reverse("wagtailadmin_pages:add", args=("content", "articlepage", column.pk))
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return ArticlePage.objects.child_of(column).get(title=data["title"])


def workflow_state(page):
    return WorkflowState.objects.for_instance(page).order_by("-pk").first()


def approve(client, page):
    task_state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "approve", task_state.pk))
    response = client.post(url, {"comment": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    return task_state


def test_every_site_has_the_three_step_workflow(site_group):
    for profile in site_group.values():
        workflow = WorkflowPage.objects.get(page=profile.root_page).workflow
        tasks = [t.specific for t in workflow.tasks]
        assert [type(t).__name__ for t in tasks] == [
            "AutomaticCheckTask",
            "GroupApprovalTask",
            "GroupApprovalTask",
        ]
        assert list(tasks[1].groups.all()) == [profile.first_reviewers_group]
        assert list(tasks[2].groups.all()) == [profile.final_reviewers_group]
    # One shared automatic check task for the whole group.
    assert AutomaticCheckTask.objects.count() == 1


def test_ensure_site_workflow_keeps_an_admins_changes(feixi):
    workflow = WorkflowPage.objects.get(page=feixi.root_page).workflow
    workflow.workflow_tasks.filter(sort_order=1).delete()  # the site dropped 初审
    assert ensure_site_workflow(feixi) == workflow
    assert workflow.tasks.count() == 2
    assert WorkflowPage.objects.filter(page=feixi.root_page).count() == 1


def test_workflow_word_stops_then_reviewers_approve_and_log_names_site(feixi, column, staff):
    SensitiveWord.objects.create(word=WORD, site=None)
    editor = client_for(staff["editor"])

    # 1. Submitted with a listed word: stopped at the automatic step, word named.
    data = article_form("肥西县人大常委会召开会议", f"会议内容包含{WORD}。")
    page = create_page(editor, column, {**data, "action-submit": "1"})
    state = workflow_state(page)
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    rejected = state.current_task_state
    assert isinstance(rejected.task.specific, AutomaticCheckTask)
    assert rejected.status == TaskState.STATUS_REJECTED
    assert f"含敏感词“{WORD}”" in rejected.comment
    # The editor sees it on the edit page (workflow status / history).
    history = editor.get(reverse("wagtailadmin_pages:history", args=[page.pk]))
    assert history.status_code == 200
    # The automatic check offers no manual actions.
    assert rejected.task.specific.get_actions(page, staff["final"]) == []

    # 2. Fixed and resubmitted: the automatic check approves, 初审 is next.
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = article_form("肥西县人大常委会召开会议", "会议内容已核实。", slug=page.slug)
    response = editor.post(edit_url, {**data, "action-submit": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    page.refresh_from_db()
    state = workflow_state(page)
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert page.current_workflow_task.name.startswith("初审")
    assert not page.live

    # 3. 初审 and 终审 approve through the admin: the page goes live.
    approve(client_for(staff["first"]), page)
    page.refresh_from_db()
    assert page.current_workflow_task.name.startswith("终审")
    approve(client_for(staff["final"]), page)
    page.refresh_from_db()
    assert page.live
    assert workflow_state(page).status == WorkflowState.STATUS_APPROVED

    # 4. The audit log shows each step, every entry naming the site.
    entries = list(PageLogEntry.objects.filter(page=page).order_by("timestamp", "pk"))
    actions = [e.action for e in entries]
    for expected in (
        "wagtail.create",
        "wagtail.workflow.start",
        "wagtail.workflow.reject",
        "wagtail.workflow.resume",
        "wagtail.workflow.approve",
        "wagtail.publish",
    ):
        assert expected in actions, actions
    approvals = [e for e in entries if e.action == "wagtail.workflow.approve"]
    assert [e.data["workflow"]["task"]["title"][:2] for e in approvals] == ["自动", "初审", "终审"]
    assert approvals[1].user == staff["first"] and approvals[2].user == staff["final"]
    reject = next(e for e in entries if e.action == "wagtail.workflow.reject")
    assert WORD in reject.data["comment"]
    assert {e.data.get("site") for e in entries} == {FEIXI}
    assert all(e.data.get("site_name") == feixi.name for e in entries)


def test_missing_date_stops_at_the_automatic_step(column, staff):
    editor = client_for(staff["editor"])
    page = create_page(
        editor, column, {**article_form("无日期的稿件", "正文。", date=""), "action-submit": "1"}
    )
    state = workflow_state(page)
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert "缺少日期" in state.current_task_state.comment


def test_word_added_during_review_stops_the_final_approval(feixi, column, staff):
    editor = client_for(staff["editor"])
    page = create_page(
        editor, column, {**article_form("审查中新增词语", "新词出现在正文。"), "action-submit": "1"}
    )
    approve(client_for(staff["first"]), page)
    SensitiveWord.objects.create(word="新词", site=feixi.site)
    page.refresh_from_db()
    approve(client_for(staff["final"]), page)  # no 403: the workflow goes back to the editor
    page.refresh_from_db()
    assert not page.live
    state = workflow_state(page)
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert "含敏感词“新词”" in state.current_task_state.comment
    assert PageLogEntry.objects.filter(page=page, action="lianxi.publication_refused").exists()


# --- Confidentiality -----------------------------------------------------------


def test_not_public_page_cannot_be_published_by_code(column):
    page = ArticlePage(
        title="内部通知",
        slug="internal",
        date=datetime.date(2026, 3, 1),
        confidentiality=Confidentiality.NOT_PUBLIC,
        live=False,
    )
    column.add_child(instance=page)
    revision = page.save_revision()
    with pytest.raises(PublicationRefused) as refused:
        revision.publish()
    assert "不公开" in str(refused.value)
    page.refresh_from_db()
    assert not page.live


def test_admin_publish_of_not_public_page_is_refused_with_reason(column, staff):
    final = client_for(staff["admin"])  # only administrators publish outside the workflow
    data = article_form("不公开的稿件", "正文。", confidentiality=Confidentiality.NOT_PUBLIC)
    url = reverse("wagtailadmin_pages:add", args=("content", "articlepage", column.pk))
    response = final.post(url, {**data, "action-publish": "1"})
    page = ArticlePage.objects.child_of(column).get(title="不公开的稿件")
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_pages:edit", args=[page.pk])
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("未发布" in m and "不公开" in m for m in messages), messages
    assert not page.live and page.live_revision is None
    assert not ArticlePage.objects.public().filter(pk=page.pk).exists()

    # Publishing an existing draft from the edit view is refused the same way.
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    response = final.post(edit_url, {**data, "slug": page.slug, "action-publish": "1"})
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live
    assert PageLogEntry.objects.filter(page=page, action="lianxi.publication_refused").count() == 2
    assert not PageLogEntry.objects.filter(page=page, action="wagtail.publish").exists()


def test_admin_publish_of_listed_word_is_refused_and_clean_page_publishes(column, staff):
    SensitiveWord.objects.create(word=WORD)
    final = client_for(staff["admin"])  # only administrators publish outside the workflow
    url = reverse("wagtailadmin_pages:add", args=("content", "articlepage", column.pk))
    response = final.post(url, {**article_form("直接发布", f"含{WORD}"), "action-publish": "1"})
    page = ArticlePage.objects.child_of(column).get(title="直接发布")
    assert not page.live
    assert any(WORD in str(m) for m in get_messages(response.wsgi_request))

    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    data = article_form("直接发布", "干净的正文", slug=page.slug)
    final.post(edit_url, {**data, "action-publish": "1"})
    page.refresh_from_db()
    assert page.live


def test_workflow_cannot_publish_a_not_public_page(column, staff):
    editor = client_for(staff["editor"])
    data = article_form("送审的不公开稿件", "正文。", confidentiality=Confidentiality.NOT_PUBLIC)
    page = create_page(editor, column, {**data, "action-submit": "1"})
    state = workflow_state(page)
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert "不公开" in state.current_task_state.comment
    page.refresh_from_db()
    assert not page.live


# --- Word lists: global and per site ----------------------------------------------


def _article_under(profile, text):
    column = ColumnPage.objects.child_of(profile.root_page).order_by("path").first()
    page = ArticlePage(
        title="测试", slug="t", date=datetime.date(2026, 1, 1), body=[("paragraph", text)]
    )
    column.add_child(instance=page)
    return page


def test_global_word_everywhere_site_word_only_on_its_site(site_group):
    feixi, changfeng = site_group["340123"], site_group["340121"]
    SensitiveWord.objects.create(word="全局词")
    SensitiveWord.objects.create(word="肥西词", site=feixi.site)
    SensitiveWord.objects.create(
        word="人大代表大会", kind=WordKind.WRONG, replacement="人民代表大会", site=feixi.site
    )
    text = "<p>全局词、肥西<b>词</b>与人大代表大会</p>"
    on_feixi = [p.message for p in find_problems(_article_under(feixi, text))]
    on_changfeng = [p.message for p in find_problems(_article_under(changfeng, text))]
    assert "含敏感词“全局词”" in on_feixi and "含敏感词“全局词”" in on_changfeng
    assert "含敏感词“肥西词”" in on_feixi  # inline tags do not hide a word
    assert "含敏感词“肥西词”" not in on_changfeng
    assert "含错别字“人大代表大会”,应为“人民代表大会”" in on_feixi
    assert not any("人大代表大会" in m for m in on_changfeng)


def test_words_in_title_summary_and_nested_blocks(site_group):
    SensitiveWord.objects.create(word="甲词")
    SensitiveWord.objects.create(word="乙词")
    SensitiveWord.objects.create(word="丙词")
    page = _article_under(site_group[FEIXI], "<p>干净</p>")
    page.title = "标题有甲词"
    page.summary = "摘要有乙词"
    page.body = [("quote", {"text": "引文有丙词", "attribution": ""})]
    messages = [p.message for p in find_problems(page)]
    assert messages == ["含敏感词“甲词”", "含敏感词“乙词”", "含敏感词“丙词”"]
    # Paragraph boundaries never join two halves into a word.
    page.title, page.summary = "甲", "词"
    page.body = [("paragraph", "<p>丙</p><p>词</p>")]
    assert find_problems(page) == []


def test_word_list_changes_apply_at_once(site_group):
    page = _article_under(site_group[FEIXI], "<p>后加的词</p>")
    assert find_problems(page) == []
    word = SensitiveWord.objects.create(word="后加的词")
    assert [p.code for p in find_problems(page)] == ["sensitive_word"]
    word.delete()
    assert find_problems(page) == []
