"""Admin URLs of the second factor, and the security administrator's menu item."""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views, webauthn


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("security/second-factor/enrol/", views.enrol, name="security_second_factor_enrol"),
        path("security/second-factor/verify/", views.verify, name="security_second_factor_verify"),
        path("security/second-factor/", views.devices, name="security_second_factor_devices"),
        path(
            "security/second-factor/<int:user_id>/reset/",
            views.reset,
            name="security_second_factor_reset",
        ),
        *webauthn.admin_urls(),
    ]


class ManagerMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("security.manage_second_factor")


@hooks.register("register_settings_menu_item")
def register_devices_menu_item():
    return ManagerMenuItem(
        "动态口令管理", reverse("security_second_factor_devices"), icon_name="lock", order=610
    )


@hooks.register("insert_global_admin_js")
def csp_init_js():
    """Starts what Wagtail would start with inline scripts in HTML inserted later (the CSP)."""
    return format_html('<script src="{}"></script>', static("security/csp-init.js"))


@hooks.register("register_account_menu_item")
def security_key_account_item(request):
    """账号设置 → 安全密钥: where a user who gave the second factor adds a security key."""
    from .twofactor import has_device, requires_second_factor

    user = request.user
    if not (requires_second_factor(user) or has_device(user)):
        return None
    return {
        "url": f"{reverse('security_second_factor_enrol')}?next={reverse('wagtailadmin_account')}",
        "label": "安全密钥",
        "help_text": "添加安全密钥(USB/NFC 密钥或设备的指纹、面容识别),登录时可代替动态口令。",
    }
