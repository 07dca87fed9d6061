"""SiteOwnedModelAdmin, exercised on a real model with a nullable ``site`` FK.

Wagtail's ``Redirect`` stands in for a plugin model: its ``site`` is a
nullable FK to ``wagtailcore.Site`` where empty means "every site", i.e. the
"global rows" case. The screen is mounted on this module's own URLconf.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.redirects.models import Redirect

from cms.sitegroup.admin import SiteListFilter, SiteOwnedModelAdmin


class RedirectAdmin(SiteOwnedModelAdmin):
    model = Redirect
    include_global = True
    inspect_view_enabled = True
    list_display = ("old_path", "site")
    list_filter = (SiteListFilter,)
    panels = [FieldPanel("old_path"), FieldPanel("site"), FieldPanel("redirect_link")]


redirect_admin = RedirectAdmin()

urlpatterns = [
    path("admin/", include(list(redirect_admin.get_admin_urls_for_registration()))),
    path("admin/", include(wagtailadmin_urls)),
]

pytestmark = pytest.mark.urls(__name__)

URL = redirect_admin.url_helper


@pytest.fixture
def rows(site_group):
    feixi, changfeng = site_group["340123"], site_group["340121"]
    return {
        "feixi": Redirect.objects.create(old_path="/feixi-old", site=feixi.site),
        "changfeng": Redirect.objects.create(old_path="/changfeng-old", site=changfeng.site),
        "global": Redirect.objects.create(old_path="/global-old", site=None),
    }


@pytest.fixture
def feixi_editor(site_group, make_user, client):
    group = site_group["340123"].editors_group
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="wagtailredirects",
            codename__in=["add_redirect", "change_redirect", "delete_redirect"],
        )
    )
    user = make_user("feixi-editor", group)
    client.force_login(user)
    return user


def test_listing_shows_own_site_and_global_rows_only(rows, feixi_editor, client):
    response = client.get(URL.index_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/feixi-old" in html and "/global-old" in html
    assert "/changfeng-old" not in html
    # The site filter offers the editor's own site, not the neighbour's.
    assert "肥西县人大常委会" in html and "长丰县人大常委会" not in html


def test_other_sites_rows_are_404_on_every_instance_view(rows, feixi_editor, client):
    pk = rows["changfeng"].pk
    for action in ("edit", "delete", "inspect", "history"):
        url = URL.get_action_url(action, pk)
        assert client.get(url).status_code == 404, action
    assert client.post(URL.get_action_url("delete", pk)).status_code == 404
    assert Redirect.objects.filter(pk=pk).exists()


def test_global_rows_are_read_only(rows, feixi_editor, client):
    pk = rows["global"].pk
    assert client.get(URL.get_action_url("inspect", pk)).status_code == 200
    assert client.get(URL.get_action_url("edit", pk)).status_code == 403
    assert client.post(URL.get_action_url("delete", pk)).status_code == 403


def test_form_offers_only_own_sites_and_rejects_others(rows, site_group, feixi_editor, client):
    feixi, changfeng = site_group["340123"].site, site_group["340121"].site
    html = client.get(URL.create_url).content.decode()
    assert f'value="{feixi.pk}" selected' in html
    assert f'value="{changfeng.pk}"' not in html

    response = client.post(
        URL.create_url,
        {"old_path": "/sneaky", "site": changfeng.pk, "redirect_link": "https://example.com"},
    )
    assert response.status_code == 200  # re-rendered with a field error
    assert not Redirect.objects.filter(old_path="/sneaky").exists()
    # Non-superusers cannot create global rows either.
    client.post(URL.create_url, {"old_path": "/nowhere", "redirect_link": "https://example.com"})
    assert not Redirect.objects.filter(old_path="/nowhere").exists()

    response = client.post(
        URL.create_url,
        {"old_path": "/mine", "site": feixi.pk, "redirect_link": "https://example.com"},
    )
    assert response.status_code == 302
    assert Redirect.objects.get(old_path="/mine").site == feixi

    own = rows["feixi"]
    response = client.post(
        URL.get_action_url("edit", own.pk),
        {"old_path": "/feixi-old", "site": changfeng.pk, "redirect_link": "https://example.com"},
    )
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.site == feixi


def test_user_without_any_site_cannot_list(rows, make_user, client):
    user = make_user("nobody")
    user.user_permissions.add(
        Permission.objects.get(codename="change_redirect"),
        Permission.objects.get(codename="access_admin"),
    )
    client.force_login(user)
    response = client.get(URL.index_url)
    assert response.status_code in (302, 403)


def test_superuser_sees_and_edits_everything(rows, make_user, client):
    client.force_login(make_user("root", superuser=True))
    html = client.get(URL.index_url).content.decode()
    assert all(p in html for p in ("/feixi-old", "/changfeng-old", "/global-old"))
    assert client.get(URL.get_action_url("edit", rows["changfeng"].pk)).status_code == 200
    assert client.get(URL.get_action_url("edit", rows["global"].pk)).status_code == 200
