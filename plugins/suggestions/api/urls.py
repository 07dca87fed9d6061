from django.urls import path
from rest_framework.routers import SimpleRouter

from .statistics import StatisticsView
from .views import SuggestionViewSet

router = SimpleRouter()
router.register("", SuggestionViewSet, basename="suggestion")

# The public statistics first: the router's detail route would take "statistics/" as an id.
urlpatterns = [path("statistics/", StatisticsView.as_view(), name="statistics"), *router.urls]
