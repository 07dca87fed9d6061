"""The Anhui demo site group: `manage.py load_demo --small` builds it and a re-run adds nothing.

The demo is loaded once for the module (about 20-30 s on SQLite) inside a
transaction that is rolled back at the end; each test runs in a savepoint
inside it, so the tests see the same demo and leave nothing behind.
"""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from cms.content.models import (
    ArticlePage,
    ColumnPage,
    HomePage,
    MeetingPage,
    RegulationPage,
    ReportPage,
    TownshipPage,
)
from cms.sitegroup.models import Level, SiteProfile
from fixtures import anhui

CITY_CODES = {
    "340100", "340200", "340300", "340400", "340500", "340600", "340700", "340800",
    "341000", "341100", "341200", "341300", "341500", "341600", "341700", "341800",
}  # fmt: skip
HEFEI_COUNTY_CODES = {
    "340102", "340103", "340104", "340111", "340121", "340122", "340123", "340124", "340181",
}  # fmt: skip


def _counts():
    return {
        "pages": Page.objects.count(),
        "revisions": Page.objects.filter(latest_revision__isnull=False).count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "users": get_user_model().objects.count(),
        "sites": Site.objects.count(),
    }


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    overrides = override_settings(
        LIANXI_DEMO_PASSWORD="demo-pass-for-tests",
        MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with overrides, django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("load_demo", "--small", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_loaded, db, settings):
    settings.LIANXI_DEMO_PASSWORD = "demo-pass-for-tests"
    return _demo_loaded


def test_site_group_has_the_real_codes(demo):
    province = SiteProfile.objects.get(division_code="340000")
    assert province.level == Level.PROVINCE and province.site.is_default_site
    cities = SiteProfile.objects.filter(parent=province)
    assert set(cities.values_list("division_code", flat=True)) == CITY_CODES
    assert cities.get(division_code="341000").name == "黄山市人大常委会"
    hefei = SiteProfile.objects.get(division_code="340100")
    counties = SiteProfile.objects.filter(parent=hefei)
    assert set(counties.values_list("division_code", flat=True)) == HEFEI_COUNTY_CODES
    assert counties.get(division_code="340181").name == "巢湖市人大常委会"
    assert Site.objects.get(root_page=hefei.site.root_page).hostname == "340100.localhost"
    # Wagtail's untouched welcome page and localhost site are gone.
    assert not Page.objects.filter(title="Welcome to your new Wagtail site!").exists()


def test_township_columns_sit_under_their_county(demo):
    for county_code, townships in anhui.TOWNSHIPS.items():
        county = SiteProfile.objects.get(division_code=county_code)
        pages = TownshipPage.objects.descendant_of(county.site.root_page)
        assert set(pages.values_list("division_code", flat=True)) == {c for c, _ in townships}
    assert TownshipPage.objects.get(division_code="340123102").title == "桃花镇人大"


def test_every_page_type_is_present_with_images_and_links(demo):
    for model in (HomePage, ColumnPage, TownshipPage, ArticlePage, RegulationPage, ReportPage,
                  MeetingPage):  # fmt: skip
        assert model.objects.live().exists(), model.__name__
    feixi = SiteProfile.objects.get(division_code="340123")
    assert get_image_model().objects.filter(collection=feixi.collection).exists()
    assert get_document_model().objects.filter(collection=feixi.collection).exists()

    regulation = RegulationPage.objects.live().first()
    kinds = set(regulation.interpretations.values_list("kind", flat=True))
    assert kinds == {"interpretation", "interview"}
    assert regulation.attachments.exists()

    handling = ReportPage.objects.filter(report_type="handling_report").first()
    opinions = handling.responds_to.specific
    assert opinions.report_type == "deliberation_opinions"
    assert opinions.responds_to.specific.report_type == "special_work_report"
    assert opinions.meeting is not None

    meeting = MeetingPage.objects.filter(reports__isnull=False).first()
    block_types = {block.block_type for block in meeting.body}
    assert {"speech", "gallery", "audio", "video"} <= block_types
    assert len(meeting.agenda) >= 3

    article = ArticlePage.objects.live().exclude(cover_image=None).first()
    assert article.first_published_at.date() == article.date
    assert any(p.first_published_at.year == 2024 for p in ArticlePage.objects.live())

    # Some pages are drafts, and a not-public page is never published.
    assert ArticlePage.objects.filter(live=False).exists()
    hidden = ArticlePage.objects.filter(confidentiality="not_public")
    assert hidden.exists() and not hidden.filter(live=True).exists()
    assert TownshipPage.objects.get(division_code="340123100").get_children().live().exists()


def test_demo_users_and_their_groups(demo):
    User = get_user_model()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("demo-pass-for-tests")
    feixi = SiteProfile.objects.get(division_code="340123")
    expected = {
        "anhui_editor": SiteProfile.objects.get(division_code="340000").editors_group,
        "hefei_editor": SiteProfile.objects.get(division_code="340100").editors_group,
        "feixi_editor": feixi.editors_group,
        "feixi_reviewer1": feixi.first_reviewers_group,
        "feixi_reviewer2": feixi.final_reviewers_group,
        "changfeng_editor": SiteProfile.objects.get(division_code="340121").editors_group,
    }
    for username, group in expected.items():
        user = User.objects.get(username=username)
        assert not user.is_superuser
        assert list(user.groups.all()) == [group], username
    assert "feixi_reviewer2" in demo and "http://127.0.0.1:" in demo and "终审" in demo


def test_second_run_creates_nothing(demo):
    User = get_user_model()
    editor = User.objects.get(username="feixi_editor")
    editor.set_password("changed-by-the-user")
    editor.save()
    before = _counts()
    call_command("load_demo", "--small", stdout=io.StringIO())
    assert _counts() == before
    editor.refresh_from_db()
    assert editor.check_password("changed-by-the-user")


def test_rich_sites_have_a_configured_micro_portal(demo):
    """Banners of the site's own latest news, contacts, and 肥西's own theme colour."""
    from cms.portal.models import PortalSettings

    feixi = SiteProfile.objects.get(division_code="340123")
    portal = PortalSettings.for_site(feixi.site)
    assert portal.theme_color == "#0E5E9C"
    assert portal.contact_phone and portal.contact_email and portal.contact_address
    assert len(portal.banners) >= 1
    for banner in portal.banners:
        page = banner.value["page"].specific
        assert page.live and page.get_site() == feixi.site
        assert banner.value["image"] == page.cover_image and banner.value["title"] == page.title
    # A plain site keeps the untouched defaults.
    plain = PortalSettings.for_site(SiteProfile.objects.get(division_code="340102").site)
    assert len(plain.banners) == 0 and plain.theme_color == "#C8161D"


def test_second_run_keeps_an_editors_portal_settings(demo):
    from cms.portal.models import PortalSettings

    portal = PortalSettings.for_site(SiteProfile.objects.get(division_code="340100").site)
    portal.banners = []
    portal.contact_phone = "0551-12345678"
    portal.theme_color = "#123456"
    portal.save()
    call_command("load_demo", "--small", stdout=io.StringIO())
    portal.refresh_from_db()
    assert (len(portal.banners), portal.contact_phone, portal.theme_color) == (
        0,
        "0551-12345678",
        "#123456",
    )


def test_demo_users_are_people_with_a_name_and_unit(demo):
    User = get_user_model()
    names = {u.username: u.get_full_name() for u in User.objects.all()}
    assert names["feixi_editor"] != names["feixi_reviewer1"] != names["feixi_reviewer2"]
    for username in ("feixi_editor", "feixi_reviewer1", "feixi_reviewer2"):
        assert "(肥西县人大常委会" in names[username], names[username]
        assert not names[username].startswith("肥西县")  # a person's name first


def test_demo_word_list_has_fictional_sensitive_words_and_misspellings(demo):
    from cms.review.models import SensitiveWord, WordKind

    sensitive = SensitiveWord.objects.filter(kind=WordKind.SENSITIVE)
    wrong = SensitiveWord.objects.filter(kind=WordKind.WRONG)
    assert sensitive.count() >= 2 and wrong.filter(note="演示用虚构词语").count() >= 2
    assert all(w.note == "演示用虚构词语" for w in sensitive)
    assert wrong.filter(site__profile__division_code="340123").exists()


def test_demo_has_a_submission_the_automatic_check_stopped(demo):
    from wagtail.models import WorkflowState

    from cms.content.models import ArticlePage

    page = ArticlePage.objects.get(slug="demo-rejected-submission")
    state = WorkflowState.objects.for_instance(page).get()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert "演示敏感词" in state.current_task_state.comment
    assert page.owner.username == "feixi_editor" and not page.live


def test_api_urls_keep_the_demo_port(demo, client):
    # (Columns and sites: page listings would render cover images this test's media lacks.)
    response = client.get("/api/v1/columns/", {"site": "340123"})
    assert response.status_code == 200, response.content[:300]
    urls = re.findall(r'"url": ?"([^"]+)"', response.content.decode())
    assert urls and all(u.startswith("http://340123.localhost:8000/") for u in urls), urls[:3]
    tree = client.get("/api/v1/sites/").content.decode()
    assert "http://340000.localhost:8000/" in tree
