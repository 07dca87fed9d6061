from rest_framework.routers import SimpleRouter

from .public import PublishedSuggestionViewSet
from .views import SuggestionViewSet

router = SimpleRouter()
# The public list first: "published/" must not be read as a suggestion's id.
router.register("published", PublishedSuggestionViewSet, basename="published")
router.register("", SuggestionViewSet, basename="suggestion")

urlpatterns = router.urls
