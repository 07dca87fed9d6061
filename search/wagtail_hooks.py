"""Admin: one search box. Wagtail's search (搜索) covers pages, images and
documents, drafts included, through ``search.wagtail_backend`` (Chinese-aware);
the published records of plugins (人大代表…) are one more area of the same
results screen (已发布内容与代表), served by the site-group engine.
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.search import SearchArea

from .views import admin_search


@hooks.register("register_admin_urls")
def register_search_url():
    return [path("site-search/", admin_search, name="search_index_admin")]


class PublishedSearchArea(SearchArea):
    def is_shown(self, request):
        return request.user.has_perm("wagtailadmin.access_admin")


@hooks.register("register_admin_search_area")
def register_published_search_area():
    return PublishedSearchArea(
        _("已发布内容与代表"), reverse("search_index_admin"), name="site-search",
        icon_name="globe", order=900,
    )  # fmt: skip
