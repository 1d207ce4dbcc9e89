from django.urls import include, path

from . import views
from .horizon.views import HorizonView

app_name = "roadmap"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("starter/", views.StarterView.as_view(), name="starter"),
    path("competencies/<int:number>/", views.BoardView.as_view(), name="board"),
    path("timeline/", views.TimelineView.as_view(), name="timeline"),
    path("mine/", views.MyMilestonesView.as_view(), name="mine"),
    path("milestones/", views.MilestoneListView.as_view(), name="milestones"),
    path("milestones.csv", views.MilestoneCsvView.as_view(), name="milestones_csv"),
    path("milestones/new/", views.MilestoneCreateView.as_view(), name="milestone_create"),
    path("milestones/<int:milestone_id>/", views.MilestoneView.as_view(), name="milestone"),
    path("milestones/<int:milestone_id>/delete/", views.MilestoneDeleteView.as_view(), name="milestone_delete"),
    path("areas/", views.AreasView.as_view(), name="areas"),
    path("journey/", include("roadmap.journey.urls")),
    path("reliability/", include("roadmap.reliability.urls")),
    path("listening/", include("roadmap.listening.urls")),
    path("horizon/", HorizonView.as_view(), name="horizon"),
]
