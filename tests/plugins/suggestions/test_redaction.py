"""What the publication step's proposal removes, and what it leaves (the office sees both)."""

from __future__ import annotations

import pytest

from cms.services import idnumbers, redaction

ID_NUMBER = idnumbers.with_check_digit("34012319800101201")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("联系13955512345。", "mobile"),
        ("电话139 5551 2345。", "mobile"),
        ("手机+86-139-5551-2345", "mobile"),
        ("手机：１３９５５５１２３４５", "mobile"),  # full-width digits
        ("座机0551-68812345转123", "landline"),
        ("电话(0551)6881 2345", "landline"),
        (f"身份证{ID_NUMBER}", "id_number"),
        (f"身份证{ID_NUMBER[:-1]}{'0' if ID_NUMBER[-1] != '0' else '1'}", "number"),  # mistyped
        ("银行卡6222021234567890123", "number"),
        ("邮箱 zhang.wei+home@mail.example.com.cn 。", "email"),
        ("微信号:zw_hefei88", "contact"),
        ("QQ 12345678", "contact"),
        ("家住紫蓬路18号3栋502室", "address"),
        ("幸福小区5栋2单元301室", "address"),
    ],
)
def test_contact_details_are_found_and_replaced(text, kind):
    found = redaction.find(text)
    assert [f.kind for f in found] == [kind]
    redacted = redaction.redact(text)
    assert found[0].text not in redacted and redaction.MARKS[kind] in redacted
    assert redaction.leftovers(redacted) == []


@pytest.mark.parametrize(
    "text",
    [
        "2025年投入资金500万元,新建道路12.5公里。",
        "按照肥政〔2024〕12号文件执行,列入第3号议案。",
        "请拨打12345政务服务热线反映。",
        "惠及群众13000余人,占比95.5%。",
        "十七届人大五次会议第0012号建议",
    ],
)
def test_ordinary_numbers_stay(text):
    assert redaction.find(text) == []
    assert redaction.redact(text) == text


def test_the_deputies_known_numbers_are_removed_however_written():
    text = "请与本人联系:一三九 139-0000-0011 或 1390 000 0011"
    assert "0011" not in redaction.redact(text, known=("13900000011",))


def test_a_house_number_is_flagged_but_may_stay():
    findings = redaction.find("学校位于长江路12号")
    assert [f.kind for f in findings] == ["address"]
    assert redaction.leftovers("学校位于长江路12号") == []  # the office decides
