from django.urls import path
from rest_framework.routers import SimpleRouter

from .committee import urlpatterns as committee_urlpatterns
from .groups import GroupChatViewSet
from .messages import CitizenMessageViewSet, InboxViewSet, UnitMessageViewSet
from .public import PublishedMessageViewSet
from .statistics import StatisticsView

router = SimpleRouter()
router.register("messages", CitizenMessageViewSet, basename="message")
router.register("inbox", InboxViewSet, basename="inbox")
router.register("unit-messages", UnitMessageViewSet, basename="unit-message")
router.register("groups", GroupChatViewSet, basename="group-chat")
router.register("published", PublishedMessageViewSet, basename="published")

urlpatterns = [
    path("statistics/", StatisticsView.as_view(), name="statistics"),
    *router.urls,
    *committee_urlpatterns(),
]
