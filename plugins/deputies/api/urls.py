"""Routes of the public deputies API, mounted by the plugin framework at ``/api/v1/deputies/``."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.DeputyListView.as_view(), name="deputy-list"),
    path("<int:person_id>/", views.DeputyDetailView.as_view(), name="deputy-detail"),
    path("congresses/", views.CongressListView.as_view(), name="congress-list"),
    path(
        "congresses/<int:congress_id>/", views.CongressDetailView.as_view(), name="congress-detail"
    ),
    path(
        "congresses/<int:congress_id>/statistics/",
        views.CongressStatisticsView.as_view(),
        name="congress-statistics",
    ),
    path("stations/", views.StationListView.as_view(), name="station-list"),
    path("stations/<int:station_id>/", views.StationDetailView.as_view(), name="station-detail"),
]
