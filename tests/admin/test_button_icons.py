"""Icons inside buttons carry a size: Wagtail sizes them only within its own action bars,
so an unsized icon renders at the SVG default of 300×150 px and hides the label."""

import re

import pytest

from .helpers import client_for

BUTTON = re.compile(r"<(a|button)\b[^>]*class=\"[^\"]*\bbutton\b[^\"]*\"[^>]*>(.*?)</\1>", re.S)
ICON = re.compile(r'<svg class="(icon [^"]*)"')


def unsized_button_icons(html: str) -> list[str]:
    bad = []
    for _tag, inner in BUTTON.findall(html):
        for classes in ICON.findall(inner):
            # Wagtail's own components (w-dialog__close-icon…) size their icons themselves.
            if "__" not in classes and not ("w-w-" in classes and "w-h-" in classes):
                bad.append(classes)
    return bad


@pytest.mark.parametrize("path", ["/admin/deputies/import/"])
def test_button_icons_are_sized(site_group, make_user, path):
    editor = make_user("icons-editor", site_group["340123"].editors_group)
    response = client_for(editor).get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert ICON.search(html)
    assert unsized_button_icons(html) == []
