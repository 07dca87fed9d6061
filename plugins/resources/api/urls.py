from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import CategoryViewSet, ResourceViewSet

router = SimpleRouter()
router.register("", ResourceViewSet, basename="resource")

# "categories/" first: the resources' detail route would take it as an id. A list only.
urlpatterns = [
    path("categories/", CategoryViewSet.as_view({"get": "list"}), name="category-list"),
    *router.urls,
]
