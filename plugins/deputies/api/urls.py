"""Routes of the public deputies API, mounted by the plugin framework at ``/api/v1/deputies/``."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(use_regex_path=False)  # path converters: typed ids (<int:person_id>)
router.register("congresses", views.CongressViewSet, basename="congress")
router.register("stations", views.StationViewSet, basename="station")
router.register("", views.DeputyViewSet, basename="deputy")

urlpatterns = router.urls
