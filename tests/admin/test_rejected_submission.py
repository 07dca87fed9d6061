"""A submission the automatic check stops is said at once, in red, in Chinese, with the words."""

import pytest
from django.contrib.messages import ERROR, SUCCESS, get_messages
from django.urls import reverse
from wagtail.models import WorkflowState

from cms.review.models import SensitiveWord, WordKind

from .helpers import add_url, article_form, client_for, created, first_column

FEIXI = "340123"


@pytest.fixture
def editor(site_group, make_user):
    return make_user("rej-editor", site_group[FEIXI].editors_group)


@pytest.fixture
def words(site_group):
    SensitiveWord.objects.create(word="虚构敏感词甲", kind=WordKind.SENSITIVE)
    SensitiveWord.objects.create(
        word="人大代表大会", kind=WordKind.WRONG, replacement="人民代表大会"
    )


def test_stopped_submission_is_an_error_naming_words_and_corrections(site_group, editor, words):
    column = first_column(site_group[FEIXI])
    client = client_for(editor)
    data = article_form("县人大常委会召开座谈会", "召开人大代表大会,提到虚构敏感词甲。")
    response = client.post(add_url(column), {**data, "action-submit": "1"}, follow=True)
    page = created(column, "县人大常委会召开座谈会")
    assert WorkflowState.objects.for_instance(page).get().status == "needs_changes"

    # Landed on the page's edit form, with a red message and no green "submitted".
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_pages:edit", args=(page.pk,))
    shown = [(m.level, str(m.message)) for m in response.context["messages"]]
    assert not [text for level, text in shown if level == SUCCESS]
    errors = [text for level, text in shown if level == ERROR]
    assert len(errors) == 1
    assert "自动检查未通过" in errors[0]
    assert "含敏感词“虚构敏感词甲”" in errors[0]
    assert "含错别字“人大代表大会”,应为“人民代表大会”" in errors[0]
    html = response.content.decode()
    assert "help-critical" in html or "error" in html  # Wagtail's red message style
    assert "含错别字“人大代表大会”,应为“人民代表大会”" in html

    # Opening the page again still shows it, until it is fixed and resubmitted.
    again = client.get(reverse("wagtailadmin_pages:edit", args=(page.pk,)))
    assert "含敏感词“虚构敏感词甲”" in again.content.decode()

    fixed = article_form("县人大常委会召开座谈会", "召开人民代表大会。", slug=page.slug)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(page.pk,)), {**fixed, "action-submit": "1"}
    )
    assert response.status_code == 302
    assert [m.level for m in get_messages(response.wsgi_request)] == [SUCCESS]
    assert WorkflowState.objects.for_instance(page).get().status == "in_progress"


def test_clean_submission_keeps_the_success_message(site_group, editor, words):
    column = first_column(site_group[FEIXI])
    client = client_for(editor)
    response = client.post(
        add_url(column), {**article_form("干净的稿件", "没有问题的内容。"), "action-submit": "1"}
    )
    assert response.status_code == 302
    assert [m.level for m in get_messages(response.wsgi_request)] == [SUCCESS]
