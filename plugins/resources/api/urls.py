from rest_framework.routers import SimpleRouter

from .views import CategoryViewSet, ResourceViewSet

router = SimpleRouter()
# "categories/" first: the resources' detail route would take it as an id.
router.register("categories", CategoryViewSet, basename="category")
router.register("", ResourceViewSet, basename="resource")

urlpatterns = router.urls
