"""Admin: a 站内搜索 screen using the site-group search engine (Chinese-aware)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .views import admin_search


@hooks.register("register_admin_urls")
def register_search_url():
    return [path("site-search/", admin_search, name="search_index_admin")]


@hooks.register("register_admin_menu_item")
def register_search_menu_item():
    return MenuItem("站内搜索", reverse("search_index_admin"), icon_name="search", order=150)
