from rest_framework.routers import SimpleRouter

from .views import CommentViewSet, ConsultationViewSet, ProposalViewSet

router = SimpleRouter()
# The writes first: "comments/" and "proposals/" must not be read as a consultation's id.
router.register("comments", CommentViewSet, basename="comment")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("", ConsultationViewSet, basename="consultation")

urlpatterns = router.urls
