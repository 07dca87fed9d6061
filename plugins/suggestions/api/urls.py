from django.urls import path
from rest_framework.routers import SimpleRouter

from .public import PublishedSuggestionViewSet
from .statistics import StatisticsView
from .views import SuggestionViewSet

router = SimpleRouter()
# The public list first: "published/" must not be read as a suggestion's id.
router.register("published", PublishedSuggestionViewSet, basename="published")
router.register("", SuggestionViewSet, basename="suggestion")

# The public statistics first: the router's detail route would take "statistics/" as an id.
urlpatterns = [path("statistics/", StatisticsView.as_view(), name="statistics"), *router.urls]
