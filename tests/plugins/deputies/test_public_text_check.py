"""Plugin records' public text passes the same sensitive-word check as pages.

Declared with ``public_text_fields`` (``cms.plugins.db``), enforced by
``cms.services.sensitive`` on every write path: the admin's forms (deputies'
liaison stations, the micro-portal settings), the plugin viewsets' API writes
(the example plugin), the deputies Excel import, and any ``save()``. The words
come from the review app's lists: global words everywhere, a site's own words on
that site only.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from wagtail.test.utils.form_data import nested_form_data, streamfield

from cms.plugins import set_enabled
from cms.portal.models import PortalSettings
from cms.review.models import SensitiveWord, WordKind
from cms.services import sensitive
from plugins.deputies import models as m
from plugins.deputies.importer import COLUMNS
from tests.plugins.deputies.conftest import valid_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def words(site_group):
    SensitiveWord.objects.create(word="违禁词")  # every site
    SensitiveWord.objects.create(word="肥西专属词", site=site_group["340123"].site)
    SensitiveWord.objects.create(word="长丰专属词", site=site_group["340121"].site)
    SensitiveWord.objects.create(
        word="人大代表大会", kind=WordKind.WRONG, replacement="人民代表大会"
    )


def test_one_service_answers_which_words_a_text_hits(site_group, words):
    feixi = site_group["340123"]
    hits = sensitive.find_words("含违禁词和肥西专属词,还有长丰专属词", feixi)
    assert [h.word for h in hits] == ["违禁词", "肥西专属词"]
    scan = sensitive.scanner(feixi)  # the lists read once, for many texts
    assert [h.word for h in scan("人大代表大会")] == ["人大代表大会"]
    assert scan("长丰专属词") == []
    message = sensitive.describe_hits(scan("违禁词与人大代表大会"), "简介")
    assert (
        message
        == "“简介”含敏感词“违禁词”;含错别字“人大代表大会”(应为“人民代表大会”),请修改后再保存。"
    )


# --- the deputies plugin through the admin --------------------------------------------


@pytest.fixture
def feixi_editor(client, register, site_group, make_user):
    client.force_login(make_user("feixi-words", site_group["340123"].editors_group))
    return client


def station_form(register, **fields) -> dict:
    congress = register.congresses["340123"]
    data = {
        "site": congress.site_id, "congress": congress.pk, "name": "上派镇代表联络站",
        "kind": "station", "division_code": "340123100", "address": "上派镇政务中心",
        "latitude": "", "longitude": "", "phone": "", "opening_hours": "",
        "description": "", "is_public": "on",
    }  # fmt: skip
    data.update(fields)
    return data


def test_a_station_description_with_a_site_word_is_refused_in_the_admin(
    feixi_editor, register, words
):
    url = "/admin/deputies/liaisonstation/create/"
    response = feixi_editor.post(url, station_form(register, description="本站欢迎违禁词来访"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["description"] == ["“简介”含敏感词“违禁词”,请修改后再保存。"]
    response = feixi_editor.post(
        url, station_form(register, name="肥西专属词联络站", address="人大代表大会旧址")
    )
    errors = response.context["form"].errors
    assert "肥西专属词" in errors["name"][0] and "“名称”" in errors["name"][0]
    assert "应为“人民代表大会”" in errors["address"][0]
    assert not m.LiaisonStation.objects.exists()

    # Another site's own words are not this site's: 长丰's word is allowed in 肥西.
    ok = feixi_editor.post(url, station_form(register, description="长丰专属词"))
    assert ok.status_code == 302
    station = m.LiaisonStation.objects.get()

    # The public API serves only text that passed.
    api = feixi_editor.get(f"/api/v1/deputies/stations/{station.pk}/?site=340123")
    assert api.json()["description"] == "长丰专属词"


def test_every_save_of_a_deputies_record_is_checked(register, words):
    person = register.people["李芳"]
    person.biography = "曾违禁词"
    with pytest.raises(ValidationError) as refused:
        person.save()
    assert refused.value.message_dict == {"biography": ["“简介”含敏感词“违禁词”,请修改后再保存。"]}
    with pytest.raises(ValidationError):
        person.full_clean()
    congress = register.congresses["340123"]
    with pytest.raises(ValidationError) as refused:
        m.LiaisonStation.objects.create(
            site=congress.site, congress=congress, name="站", address="地址",
            description="违禁词",
        )  # fmt: skip
    assert "description" in refused.value.message_dict
    assert not m.LiaisonStation.objects.exists()
    # update_fields: only the fields written are checked.
    person.refresh_from_db()
    person.biography = "违禁词"
    person.save(update_fields=["updated_at"])


# --- the micro-portal settings through the admin ----------------------------------------


def test_portal_settings_banners_and_address_are_checked_in_the_admin(
    client, site_group, make_user, words
):
    from tests.api.conftest import make_image

    client.force_login(make_user("root", superuser=True))
    site_id = site_group["340123"].site_id
    url = f"/admin/settings/portal/portalsettings/{site_id}/"
    image = make_image("轮播")

    def post(address="", banner_title="大会开幕", nav_title=""):
        data = nested_form_data(
            {
                "theme_color": "#C8161D", "contact_phone": "", "contact_email": "",
                "contact_address": address,
                "banners": streamfield([("banner", {"image": image.pk, "title": banner_title,
                                                    "page": "", "url": ""})]),
                "navigation": streamfield([]),
            }
        )  # fmt: skip
        return client.post(url, data)

    response = post(banner_title="违禁词专题")
    assert response.status_code == 200
    assert "“轮播图”含敏感词“违禁词”" in str(response.context["form"].errors["banners"])
    # The stream widget gets its errors as JSON data: the editor sees the message.
    escaped = "含敏感词".encode("ascii", "backslashreplace").decode()
    assert escaped in response.content.decode()
    response = post(address="肥西专属词路 1 号")
    assert "“联系地址”含敏感词“肥西专属词”" in str(response.context["form"].errors)
    assert not PortalSettings.objects.filter(site_id=site_id, contact_address__contains="词")
    response = post(address="上派镇")
    assert response.status_code == 302
    assert PortalSettings.objects.get(site_id=site_id).contact_address == "上派镇"
    assert client.get("/api/v1/sites/340123/").json()["portal"]["banners"][0]["title"] == "大会开幕"


def test_portal_navigation_titles_are_checked_on_save(site_group, words):
    settings_row = PortalSettings.for_site(site_group["340123"].site)
    home = site_group["340123"].site.root_page
    column = home.get_children().first()
    settings_row.navigation = [{"type": "item", "value": {"page": column.pk, "title": "违禁词"}}]
    with pytest.raises(ValidationError) as refused:
        settings_row.save()
    assert refused.value.message_dict["navigation"] == ["“导航”含敏感词“违禁词”,请修改后再保存。"]


# --- API writes (the example plugin's viewset) -------------------------------------------


def test_an_api_write_with_a_site_word_is_a_400_naming_the_field(
    client, site_group, make_user, words
):
    profile = site_group["340123"]
    set_enabled("example", profile, True)
    staff = make_user("api-writer", profile.editors_group)
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="example", codename__in=["add_entry", "change_entry"]
        )
    )
    client.force_login(staff)
    url = "/api/v1/example/entries/?site=340123"
    response = client.post(url, {"title": "肥西专属词通知", "body": "正文"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    (error,) = response.json()["errors"]
    assert error["field"] == "title"
    assert error["detail"] == "“标题”含敏感词“肥西专属词”,请修改后再保存。"

    created = client.post(url, {"title": "通知", "body": "正文"})
    assert created.status_code == 201
    entry_url = f"/api/v1/example/entries/{created.json()['id']}/?site=340123"
    changed = client.patch(entry_url, {"body": "内含违禁词"}, content_type="application/json")
    assert changed.status_code == 400 and changed.json()["errors"][0]["field"] == "body"
    assert client.get(entry_url).json()["body"] == "正文"


# --- the deputies Excel import ----------------------------------------------------------


def test_the_deputies_import_reports_the_row_column_and_words(client, register, make_user, words):
    from tests.plugins.deputies.test_import import row

    client.force_login(make_user("import-root", superuser=True))
    book = Workbook()
    sheet = book.active
    sheet.title = "代表"
    sheet.append(COLUMNS)
    good = row(801)
    bad = row(802, 姓名="钱多", 工作单位及职务="违禁词公司经理", 代表小组="肥西专属词小组",
              身份证号=valid_id_number(802))  # fmt: skip
    for values in (good, bad):
        sheet.append([values[c] for c in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(
        "/admin/deputies/import/",
        {"file": SimpleUploadedFile("register.xlsx", buffer.getvalue())},
    )
    report = response.context["report"]
    assert (3, "工作单位及职务", "含敏感词“违禁词”,请修改后再保存。") in report.errors
    assert (3, "代表小组", "含敏感词“肥西专属词”,请修改后再保存。") in report.errors
    assert not m.Person.objects.filter(name__in=["赵敏", "钱多"]).exists()
