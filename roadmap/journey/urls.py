from django.urls import path

from . import views

# Included by roadmap/urls.py under journey/, in its namespace.
urlpatterns = [
    path("", views.JourneyMapView.as_view(), name="journey"),
    path("start/", views.JourneyStartView.as_view(), name="journey_start"),
    path("stages/", views.StageAddView.as_view(), name="journey_stage_add"),
    path("stages/<int:stage_id>/", views.StageView.as_view(), name="journey_stage"),
    path("touchpoints/", views.TouchpointAddView.as_view(), name="journey_touchpoint_add"),
    path("touchpoints/<int:touchpoint_id>/", views.TouchpointView.as_view(), name="journey_touchpoint"),
    path("versions/", views.VersionListView.as_view(), name="journey_versions"),
    path("versions/<int:map_version>/", views.VersionView.as_view(), name="journey_version"),
    path("priorities/", views.PriorityListView.as_view(), name="journey_priorities"),
    path("priorities/<int:priority_id>/", views.PriorityView.as_view(), name="journey_priority"),
    path("priorities/<int:priority_id>/stance/", views.PriorityStanceView.as_view(), name="journey_priority_stance"),
    path(
        "priorities/<int:priority_id>/decision/",
        views.PriorityDecisionView.as_view(),
        name="journey_priority_decision",
    ),
]
