"""The admin an editor, a reviewer and an administrator reach is in Chinese.

Walks their screens and fails on any English word a Chinese user would see or
hear (text, placeholders, titles, labels). Names of products and data (user
names, file names, host names, codes) are not words to translate.
"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from wagtail.models import Page

from cms.review.models import SensitiveWord

from .helpers import add_url, article_form, client_for, created, first_column

FEIXI = "340123"
#: Product, format and language names that stay as they are.
ALLOWED = {"Wagtail", "Lianxi", "JavaScript", "Excel", "Popolo", "JSON", "API", "URL", "SEO",
           "PDF", "WebP", "English", "ID", "Token", "OpenAPI", "Redoc", "Swagger", "CSV", "XLSX",
           "localhost"}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
DATA_TOKEN = re.compile(r"\S*[0-9_./@:\\-]\S*")  # codes, user names, file and host names


class VisibleText(HTMLParser):
    """Text a user sees or hears: not scripts, templates or elements marked ``hidden``."""

    HIDDEN = {"script", "style", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr", "use", "path"}  # fmt: skip
    SHOWN_ATTRS = {"placeholder", "title", "aria-label", "alt"}

    def __init__(self):
        super().__init__()
        self.texts, self._stack = [], []

    def _hidden(self) -> bool:
        return any(hidden for _tag, hidden in self._stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = tag in self.HIDDEN or "hidden" in attrs
        if not (hidden or self._hidden()):
            self.texts += [v for k, v in attrs.items() if k in self.SHOWN_ATTRS and v]
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.texts.append(attrs["value"])
        if tag not in self.VOID:
            self._stack.append((tag, hidden))

    def handle_endtag(self, tag):
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data):
        if not self._hidden() and data.strip():
            self.texts.append(data.strip())


def english_words(html: str) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    found = set()
    for text in parser.texts:
        for word in WORD.findall(DATA_TOKEN.sub(" ", text)):
            if word not in ALLOWED:
                found.add(f"{word}  ← {text[:80]}")
    return found


@pytest.fixture
def screens(site_group, make_user):
    feixi = site_group[FEIXI]
    editor = make_user("zh-editor", feixi.editors_group)
    reviewer = make_user("zh-first", feixi.first_reviewers_group)
    admin = make_user("zh-admin", superuser=True)
    column = first_column(feixi)
    # Wagtail's "Welcome to your new Wagtail site!" page (the root of its localhost
    # site, listed in 站点) is data, which an installation removes (as the demo does).
    Page.objects.filter(depth=2, title="Welcome to your new Wagtail site!").update(title="欢迎")
    SensitiveWord.objects.create(word="虚构敏感词丙")
    client_for(editor).post(
        add_url(column), {**article_form("退回的稿件", "虚构敏感词丙"), "action-submit": "1"}
    )
    page = created(column, "退回的稿件")
    edit = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    return {
        editor: [
            "/admin/", f"/admin/pages/{feixi.root_page.pk}/", f"/admin/pages/{column.pk}/",
            "/admin/pages/search/?q=稿件", edit, add_url(column),
            reverse("wagtailadmin_pages:history", args=(page.pk,)),
            reverse("wagtailadmin_pages:workflow_history", args=(page.pk,)),
            "/admin/images/", "/admin/documents/", "/admin/review/sensitiveword/",
            "/admin/deputies/import/", "/admin/account/", "/admin/site-search/?q=代表",
        ],
        reviewer: [
            "/admin/", edit, "/admin/review/sensitiveword/create/", "/admin/reports/workflow/",
            "/admin/reports/workflow_tasks/",
        ],
        admin: [
            "/admin/", "/admin/pluginregistry/pluginswitch/", "/admin/sitegroup/siteprofile/",
            "/admin/groups/", "/admin/workflows/list/", "/admin/workflows/tasks/index/",
            "/admin/collections/", "/admin/reports/site-history/",
            "/admin/sites/", "/admin/users/", "/admin/reports/aging-pages/",
            reverse("wagtailusers_users:add"), reverse("wagtailusers_users:edit", args=(editor.pk,)),
        ],
    }  # fmt: skip


def test_the_screens_staff_reach_have_no_english(screens):
    problems = {}
    for user, paths in screens.items():
        client = client_for(user)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (user.username, path, response.status_code)
            words = english_words(response.content.decode())
            if words:
                problems[f"{user.username} {path}"] = sorted(words)
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_check_sees_english():
    assert english_words('<p>3 Pages</p><input placeholder="Search all pages…">') == {
        "Pages  ← 3 Pages",
        "Search  ← Search all pages…",
        "all  ← Search all pages…",
        "pages  ← Search all pages…",
    }
    assert english_words("<p>feixi_editor 340123.localhost Wagtail 页面</p>") == set()


def test_the_image_upload_messages_are_chinese(site_group, make_user):
    """The multiple-upload screen shows its per-image messages from a <template>
    after the upload (the browser walk saw them in English)."""
    editor = make_user("zh-uploader", site_group[FEIXI].editors_group)
    response = client_for(editor).get(reverse("wagtailimages:add_multiple"))
    assert response.status_code == 200
    html = response.content.decode()
    item = re.search(r'<template id="upload-list-item">(.*?)</template>', html, re.S)
    assert item, "Wagtail's upload list item template moved"
    assert not english_words(item.group(1)), sorted(english_words(item.group(1)))
    assert "无障碍" in item.group(1)
