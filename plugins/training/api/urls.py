from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import CourseViewSet, LawViewSet, OfflineClassViewSet

router = SimpleRouter()
router.register("courses", CourseViewSet, basename="course")
router.register("classes", OfflineClassViewSet, basename="class")

# The laws library is a list only (its pages' detail is /api/v1/pages/<id>/).
urlpatterns = [
    path("laws/", LawViewSet.as_view({"get": "list"}), name="law-list"),
    *router.urls,
]
