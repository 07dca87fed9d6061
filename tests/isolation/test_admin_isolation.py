"""Per-site isolation in the Wagtail admin, proven with real HTTP requests.

Who: editors of 肥西 (340123) and 长丰 (340121), 肥西's final reviewer, a 合肥
(340100) editor granted on its counties, a province (340000) editor granted on
the whole tree, and a superuser. What: pages (explorer, search, edit, publish,
chooser, reports), images and documents (index, chooser, edit), and the
screens only superusers may open.
"""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from cms.content.models import ArticlePage, ColumnPage
from cms.sitegroup.access import site_access
from cms.sitegroup.provisioning import grant_descendant_access, grant_tree_root_access

# Titles are ASCII so the embedded search backend matches them on every database.
PAGE = {"340123": "Feixi news alpha", "340121": "Changfeng news beta", "340200": "Wuhu news gamma"}
IMAGE = {"340123": "feixi-photo", "340121": "changfeng-photo", "340200": "wuhu-photo"}
DOC = {"340123": "feixi-report", "340121": "changfeng-report", "340200": "wuhu-report"}


def _png(name):
    buffer = io.BytesIO()
    PILImage.new("RGB", (2, 2), "red").save(buffer, "PNG")
    return ImageFile(io.BytesIO(buffer.getvalue()), name=name)


@pytest.fixture
def content(site_group):
    """One article, image and document in each of three sites."""
    pages, images, docs = {}, {}, {}
    for code in PAGE:
        profile = site_group[code]
        news = ColumnPage.objects.child_of(profile.site.root_page).get(slug="news")
        article = ArticlePage(title=PAGE[code], slug=f"news-{code}", date=datetime.date(2026, 1, 5))
        news.add_child(instance=article)
        article.save_revision().publish()
        pages[code] = article
        images[code] = get_image_model().objects.create(
            title=IMAGE[code], file=_png(f"{code}.png"), collection=profile.collection
        )
        docs[code] = get_document_model().objects.create(
            title=DOC[code],
            file=ContentFile(b"report", name=f"{code}.txt"),
            collection=profile.collection,
        )
    return {"pages": pages, "images": images, "docs": docs}


@pytest.fixture
def users(site_group, make_user):
    hefei, province = site_group["340100"], site_group["340000"]
    grant_descendant_access(hefei)
    grant_tree_root_access(province)
    return {
        "feixi": make_user("feixi-editor", site_group["340123"].editors_group),
        "changfeng": make_user("changfeng-editor", site_group["340121"].editors_group),
        "feixi_final": make_user("feixi-final", site_group["340123"].final_reviewers_group),
        "hefei": make_user("hefei-editor", hefei.editors_group),
        "province": make_user("province-editor", province.editors_group),
        "root": make_user("root", superuser=True),
    }


# What each user must see (codes of the sites whose content is visible).
VISIBLE = {
    "feixi": {"340123"},
    "changfeng": {"340121"},
    "hefei": {"340123", "340121"},
    "province": {"340123", "340121", "340200"},
    "root": {"340123", "340121", "340200"},
}


def get_html(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if response["Content-Type"].startswith("application/json"):  # modal choosers
        return response.json()["html"]
    return response.content.decode()


def assert_sees(html, titles, visible):
    for code, title in titles.items():
        if code in visible:
            assert title in html, f"{title} should be shown"
        else:
            assert title not in html, f"{title} must not be shown"


def test_site_ids_follow_the_grants(site_group, users):
    for who, codes in VISIBLE.items():
        if who == "root":
            continue
        ids = set(site_access(users[who]).site_ids)
        for code in ("340123", "340121", "340200"):
            assert (site_group[code].site_id in ids) == (code in codes), (who, code)


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_page_search_lists_only_own_sites(content, users, client, who):
    html = get_html(client, users[who], reverse("wagtailadmin_pages:search") + "?q=news")
    assert_sees(html, PAGE, VISIBLE[who])


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_image_index_and_chooser(content, users, client, who):
    for url in (reverse("wagtailimages:index"), reverse("wagtailimages_chooser:choose")):
        assert_sees(get_html(client, users[who], url), IMAGE, VISIBLE[who])


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_document_index_and_chooser(content, users, client, who):
    for url in (reverse("wagtaildocs:index"), reverse("wagtaildocs_chooser:choose")):
        assert_sees(get_html(client, users[who], url), DOC, VISIBLE[who])


@pytest.mark.parametrize("who", ["feixi", "hefei", "province"])
def test_page_chooser_offers_only_own_sites(content, users, site_group, client, who):
    search = reverse("wagtailadmin_choose_page_search") + "?q=news"
    assert_sees(get_html(client, users[who], search), PAGE, VISIBLE[who])
    # Browsing from the tree root lists only the user's sites' home pages.
    homes = {code: site_group[code].name for code in PAGE}
    assert_sees(
        get_html(client, users[who], reverse("wagtailadmin_choose_page")), homes, VISIBLE[who]
    )
    # Browsing into another county's column lists nothing of it.
    other_news = content["pages"]["340121"].get_parent()
    html = get_html(
        client, users[who], reverse("wagtailadmin_choose_page_child", args=[other_news.pk])
    )
    assert (PAGE["340121"] in html) == ("340121" in VISIBLE[who])


def test_explorer_never_shows_another_county(content, users, site_group, client):
    client.force_login(users["changfeng"])
    other = content["pages"]["340121"]
    other.title = PAGE["340121"]
    other.save_revision(user=users["changfeng"], log_action=True)
    client.force_login(users["feixi"])
    html = client.get(reverse("wagtailadmin_explore_root"), follow=True).content.decode()
    assert site_group["340123"].name in html
    # Neither the listing nor its "site" and "edited by" filters name the neighbour.
    assert site_group["340121"].name not in html and "changfeng-editor" not in html
    other_news = content["pages"]["340121"].get_parent()
    response = client.get(reverse("wagtailadmin_explore", args=[other_news.pk]), follow=True)
    assert PAGE["340121"] not in response.content.decode()


def test_county_editor_cannot_open_edit_or_unpublish_another_countys_page(content, users, client):
    client.force_login(users["feixi"])
    other = content["pages"]["340121"]
    for name in ("edit", "unpublish", "delete", "move", "copy", "history"):
        response = client.get(reverse(f"wagtailadmin_pages:{name}", args=[other.pk]))
        assert response.status_code in (302, 403, 404), name
        assert PAGE["340121"] not in response.content.decode(), name
    # ...nor change it by posting.
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[other.pk]),
        {"title": "hacked", "slug": other.slug, "action-publish": "action-publish"},
    )
    assert response.status_code in (302, 403)
    other.refresh_from_db()
    assert other.title == PAGE["340121"] and other.latest_revision.content["title"] != "hacked"


def test_pages_go_live_only_through_the_workflow_and_only_on_their_own_site(content, users, client):
    own, other = content["pages"]["340123"], content["pages"]["340121"]
    assert own.permissions_for_user(users["feixi"]).can_edit()
    assert not own.permissions_for_user(users["feixi"]).can_publish()
    # The 终审 publishes by approving the last step, never around the 初审.
    assert not own.permissions_for_user(users["feixi_final"]).can_publish()
    assert own.permissions_for_user(users["feixi_final"]).can_edit()
    assert not other.permissions_for_user(users["feixi_final"]).can_publish()
    assert not other.permissions_for_user(users["feixi_final"]).can_edit()

    # The editor's edit screen for his own page has no publish action.
    html = get_html(client, users["feixi"], reverse("wagtailadmin_pages:edit", args=[own.pk]))
    assert 'name="action-publish"' not in html
    html = get_html(client, users["feixi_final"], reverse("wagtailadmin_pages:edit", args=[own.pk]))
    assert 'name="action-publish"' not in html

    # The final reviewer cannot publish, nor unpublish, the neighbour's page.
    client.force_login(users["feixi_final"])
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[other.pk]),
        {"title": "hacked", "slug": other.slug, "action-publish": "action-publish"},
    )
    assert response.status_code in (302, 403)
    response = client.post(reverse("wagtailadmin_pages:unpublish", args=[other.pk]))
    assert response.status_code in (302, 403)
    other.refresh_from_db()
    assert other.live and other.title == PAGE["340121"]


def test_direct_urls_of_another_countys_image_and_document_are_refused(content, users, client):
    client.force_login(users["feixi"])
    image, doc = content["images"]["340121"], content["docs"]["340121"]
    urls = [
        reverse("wagtailimages:edit", args=[image.pk]),
        reverse("wagtailimages:delete", args=[image.pk]),
        reverse("wagtaildocs:edit", args=[doc.pk]),
        reverse("wagtaildocs:delete", args=[doc.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        body = response.content.decode()
        assert IMAGE["340121"] not in body and DOC["340121"] not in body, url
    client.post(reverse("wagtailimages:delete", args=[image.pk]))
    client.post(reverse("wagtaildocs:delete", args=[doc.pk]))
    assert get_image_model().objects.filter(pk=image.pk).exists()
    assert get_document_model().objects.filter(pk=doc.pk).exists()
    # Own ones open.
    assert (
        client.get(reverse("wagtailimages:edit", args=[content["images"]["340123"].pk])).status_code
        == 200
    )
    assert (
        client.get(reverse("wagtaildocs:edit", args=[content["docs"]["340123"].pk])).status_code
        == 200
    )


def test_reports_do_not_leak_other_sites(content, users, client):
    other = content["pages"]["340121"]
    Page.objects.filter(pk=other.pk).update(locked=True)
    html = get_html(client, users["feixi"], reverse("wagtailadmin_reports:site_history"))
    assert_sees(html, PAGE, {"340123"})
    for url in (
        reverse("wagtailadmin_reports:locked_pages"),
        reverse("wagtailadmin_reports:aging_pages"),
    ):
        html = get_html(client, users["feixi_final"], url)
        assert PAGE["340121"] not in html and PAGE["340200"] not in html
    # Page types usage names the last edited page of each type tree-wide.
    client.force_login(users["feixi"])
    response = client.get(reverse("wagtailadmin_reports:page_types_usage"))
    assert response.status_code in (302, 403)
    assert PAGE["340121"] not in response.content.decode()
    for who in ("province", "root"):
        get_html(client, users[who], reverse("wagtailadmin_reports:page_types_usage"))


@pytest.mark.parametrize(
    "url_name",
    [
        "wagtailsites:index",
        "wagtailusers_users:index",
        "wagtailusers_groups:index",
        "wagtailadmin_collections:index",
        "wagtailredirects:index",
        "sitegroup_siteprofile_modeladmin_index",
        "sitegroup_siteprofile_modeladmin_create",
    ],
)
def test_site_users_groups_screens_are_superuser_only(users, client, url_name):
    url = reverse(url_name)
    for who in ("feixi", "hefei", "province", "feixi_final"):
        client.force_login(users[who])
        assert client.get(url).status_code in (302, 403), (who, url_name)
    client.force_login(users["root"])
    assert client.get(url).status_code == 200
