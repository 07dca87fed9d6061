"""Wagtail's chooser widgets without an inline script (the Content-Security-Policy).

Wagtail 8's ``BaseChooser.render`` (page, image, document, snippet and task
choosers) writes ``<script>new ImageChooser("id", {...})</script>`` after the
widget, in Python rather than in a template. ``patch_choosers`` (run once from
``SecurityConfig.ready``) makes it write the same call as a tag that
``security/csp-init.js`` runs from this host instead, as the overriding templates
in ``templates/wagtailadmin/`` do for the inline panels and date pickers. A
chooser subclass with its own, unknown start-up code keeps Wagtail's inline script
(the policy then blocks it, and ``tests/security/test_csp.py`` fails).
"""

from __future__ import annotations

import json

from django.templatetags.static import static
from django.utils.html import format_html

SCRIPT = "security/csp-init.js"
#: Choosers that ``csp-init.js`` may start: ``new window[name](id, options)``.
CONSTRUCTORS = {"Chooser", "PageChooser", "ImageChooser", "DocumentChooser", "SnippetChooser"}


def init_tag(starter: str, element_id: str, options=None, constructor: str = ""):
    """The ``<script src>`` tag that starts ``starter`` for the element ``element_id``."""
    return format_html(
        '<script src="{}" data-lianxi-init="{}" data-id="{}" data-constructor="{}"'
        ' data-options="{}"></script>',
        static(SCRIPT),
        starter,
        element_id,
        constructor,
        json.dumps(options or {}),
    )


def patch_choosers() -> None:
    from wagtail.admin.widgets.chooser import BaseChooser
    from wagtail.admin.widgets.workflows import AdminTaskChooser

    if getattr(BaseChooser, "_lianxi_csp", False):
        return
    wagtail_render = BaseChooser.render
    default_js_init = BaseChooser.render_js_init

    def render(self, name, value, attrs=None, renderer=None):
        own_js_init = type(self).render_js_init is not default_js_init
        if isinstance(self, AdminTaskChooser) and type(self).render_js_init is (
            AdminTaskChooser.render_js_init
        ):
            starter, constructor = "createTaskChooser", ""
        elif not own_js_init and self.js_constructor in CONSTRUCTORS:
            starter, constructor = "chooser", self.js_constructor
        else:
            return wagtail_render(self, name, value, attrs, renderer)
        try:
            id_ = attrs["id"]
        except (KeyError, TypeError) as exc:
            raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from exc
        value_data = self.get_value_data(value)
        options = self.get_js_init_options(id_, name, value_data) if constructor else {}
        return format_html(
            "{}{}",
            self.render_html(name, value_data, attrs),
            init_tag(starter, id_, options, constructor),
        )

    BaseChooser.render = render
    BaseChooser._lianxi_csp = True
