from rest_framework.routers import SimpleRouter

from .views import SuggestionViewSet

router = SimpleRouter()
router.register("", SuggestionViewSet, basename="suggestion")

urlpatterns = router.urls
