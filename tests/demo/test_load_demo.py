"""The Anhui demo site group: `manage.py load_demo --small` builds it and a re-run adds nothing.

The demo is loaded once for the module (about 20-30 s on SQLite) inside a
transaction that is rolled back at the end; each test runs in a savepoint
inside it, so the tests see the same demo and leave nothing behind.
"""

import io

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
from cms.sitegroup.provisioning import township_staff_group
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


#: Where the demo's images are (the renditions the API makes need the originals).
DEMO_MEDIA: dict = {}


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    overrides = override_settings(
        LIANXI_DEMO_PASSWORD="demo-pass-for-tests",
        MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    DEMO_MEDIA["root"] = overrides.options["MEDIA_ROOT"]
    with overrides, django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("load_demo", "--small", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(_demo_loaded, db, settings):
    settings.LIANXI_DEMO_PASSWORD = "demo-pass-for-tests"
    settings.MEDIA_ROOT = DEMO_MEDIA["root"]
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
    shangpai = User.objects.get(username="shangpai_staff")
    township = TownshipPage.objects.get(division_code="340123100")
    assert list(shangpai.groups.all()) == [township_staff_group(township)]


def test_demo_admin_roles_log_in_with_the_printed_totp_key(demo, settings):
    """A newcomer logs in as each admin role with the printed password and demo key."""
    from django.test import Client

    from cms.security import roles

    assert settings.LIANXI_DEMO_TOTP_SEED in demo and "demo_totp_code" in demo
    for username, group in (
        ("sysadmin", roles.SYSTEM),
        ("secadmin", roles.SECURITY),
        ("auditadmin", roles.AUDIT),
    ):
        assert username in demo
        user = get_user_model().objects.get(username=username)
        assert [g.name for g in user.groups.all()] == [group] and not user.is_superuser
        client = Client()
        response = client.post(
            "/admin/login/", {"username": username, "password": "demo-pass-for-tests"}
        )
        assert response.status_code == 302
        verify = client.get("/admin/")["Location"]
        assert verify.startswith("/admin/security/second-factor/verify/")
        out = io.StringIO()
        call_command("demo_totp_code", stdout=out)
        code = out.getvalue().split("当前动态口令:")[1][:6]
        response = client.post(verify, {"code": code})  # each user has their own device
        assert response.status_code == 302
        assert client.get("/admin/").status_code == 200


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
    response = client.get("/api/v1/pages/", {"site": "340123", "limit": 1})
    assert response.status_code == 200
    url = response.json()["results"][0]["url"]
    assert url.startswith("http://340123.localhost:8000/"), url
    site = client.get("/api/v1/sites/340123/").json()
    assert site["url"].startswith("http://340123.localhost:8000/")


def test_demo_handling_units_unit_staff_and_citizens(demo):
    from cms.accounts.models import Account, HandlingUnit
    from cms.services import accounts

    counties = SiteProfile.objects.filter(level="county")
    assert HandlingUnit.objects.count() == 2 * counties.count()
    for county in counties:
        assert HandlingUnit.objects.filter(site=county.site).count() == 2
    unit_staff = get_user_model().objects.get(username="feixi_unit")
    assert unit_staff.check_password("demo-pass-for-tests")
    assert [u.name for u in HandlingUnit.objects.filter(members=unit_staff)] == ["肥西县交通运输局"]
    assert accounts.roles_of(unit_staff) == ["handling_unit"]
    # Two-step sign-off: the clerk drafts, the head signs off.
    head = get_user_model().objects.get(username="feixi_unit_head")
    unit = HandlingUnit.objects.get(name="肥西县交通运输局")
    assert list(unit.signers.all()) == [head] and head in unit.members.all()
    assert accounts.signs_for(head, unit) and not accounts.signs_for(unit_staff, unit)
    mobiles = {
        a.mobile
        for a in Account.objects.filter(
            directory_ref__isnull=True, mobile_verified_at__isnull=False
        )
    }
    assert {"13700000001", "13700000002", "13700000003"} <= mobiles
    assert "/api/v1/auth/sms-login/" in demo and "13700000001" in demo and "feixi_unit" in demo
