"""A Content-Security-Policy on every admin and docs page, naming no foreign host."""

import re

import pytest
from django.test import Client


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/pages/", "/admin/images/", "/admin/audit-log/", "/admin/users/"]
)
def test_admin_pages_load_with_the_policy(site_group, make_user, url):
    client = Client()
    client.force_login(make_user("csp-root", superuser=True))
    response = client.get(url, follow=True)
    assert response.status_code == 200
    rules = policy(response)
    assert rules["default-src"] == ["'self'"]
    assert rules["object-src"] == ["'none'"]
    assert rules["frame-ancestors"] == ["'none'"]  # as X-Frame-Options: DENY
    for sources in rules.values():
        for source in sources:
            assert not re.match(r"^(https?:|\*|//)", source), source  # no foreign host
    assert "gravatar" not in response.content.decode()


@pytest.mark.parametrize("url", ["/admin/login/", "/api/v1/docs/", "/api/v1/redoc/"])
def test_login_and_docs_pages_carry_it_too(db, url):
    response = Client().get(url)
    assert response.status_code == 200
    assert policy(response)["script-src"][0] == "'self'"


def test_only_the_admins_own_preview_may_be_framed_and_only_by_the_admin(site_group, make_user):
    client = Client()
    client.force_login(make_user("csp-previewer", superuser=True))
    home = site_group["340123"].site.root_page
    response = client.get(f"/admin/pages/{home.pk}/edit/preview/")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert policy(response)["frame-ancestors"] == ["'self'"]
    assert policy(client.get("/admin/"))["frame-ancestors"] == ["'none'"]


# --- Scripts: this host's files, inline only with the response's nonce ----------------

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
NOT_JAVASCRIPT = ("application/json", "text/template", "application/ld+json")


def assert_scripts_run_under_the_policy(response):
    """Every inline script carries the header's nonce; no inline handler or javascript: URL.

    A browser under the policy would refuse to run anything else (and the page
    would silently lose its inline panels, date pickers, ...)."""
    rules = policy(response)
    assert "'unsafe-inline'" not in rules["script-src"], rules["script-src"]
    assert "'unsafe-eval'" not in rules["script-src"]
    nonces = [s[len("'nonce-") : -1] for s in rules["script-src"] if s.startswith("'nonce-")]
    html = response.content.decode()
    scripts = SCRIPT_TAG.findall(html)
    assert scripts, "no script at all: not an admin page?"
    for attributes in scripts:
        if re.search(r"\bsrc=", attributes):
            continue
        kind = re.search(r'\btype="([^"]+)"', attributes)
        if kind and kind.group(1) in NOT_JAVASCRIPT:
            continue
        nonce = re.search(r'\bnonce="([^"]+)"', attributes)
        assert nonce and nonce.group(1) in nonces, f"inline script without the nonce: {attributes}"
    assert not INLINE_HANDLER.search(html), INLINE_HANDLER.search(html).group(0)
    assert 'href="javascript:' not in html


@pytest.fixture
def article(site_group):
    from wagtail.models import Page

    from cms.content.models import ArticlePage

    news = Page.objects.child_of(site_group["340123"].site.root_page).get(slug="news")
    page = ArticlePage(title="关于召开常委会会议的通知", slug="csp-article")
    news.add_child(instance=page)
    return page


def test_admin_pages_need_no_unsafe_inline_script(site_group, make_user, article):
    client = Client()
    client.force_login(make_user("csp-editor", superuser=True))
    news_id = article.get_parent().pk
    for url in [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{article.pk}/edit/",  # inline panel, date and date-time pickers
        f"/admin/pages/add/content/articlepage/{news_id}/",
        "/admin/images/",
        "/admin/sitegroup/siteprofile/create/",
        "/admin/security/second-factor/enrol/",
        "/admin/workflows/add/",  # the task chooser
        "/admin/users/new/",
    ]:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert_scripts_run_under_the_policy(response)
    edit = client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    # What Wagtail started inline is started from this host's file instead.
    assert 'data-lianxi-init="InlinePanel"' in edit
    assert 'data-lianxi-init="initDateChooser"' in edit
    assert 'data-lianxi-init="initDateTimeChooser"' in edit
    assert (
        'data-lianxi-init="chooser" data-id="id_cover_image" data-constructor="ImageChooser"'
        in edit
    )
    assert "security/csp-init.js" in edit


@pytest.mark.parametrize("url", ["/admin/login/", "/api/v1/docs/", "/api/v1/redoc/"])
def test_login_and_docs_need_no_unsafe_inline_script(db, url):
    assert_scripts_run_under_the_policy(Client().get(url))


def test_the_nonce_is_new_on_every_response(db):
    first = policy(Client().get("/api/v1/docs/"))["script-src"]
    second = policy(Client().get("/api/v1/docs/"))["script-src"]
    assert [s for s in first if "nonce" in s] != [s for s in second if "nonce" in s]
