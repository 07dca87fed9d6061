from rest_framework.routers import SimpleRouter

from .views import CourseViewSet, OfflineClassViewSet

router = SimpleRouter()
router.register("courses", CourseViewSet, basename="course")
router.register("classes", OfflineClassViewSet, basename="class")

urlpatterns = router.urls
