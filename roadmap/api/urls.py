from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("maturity", views.MaturityAssessmentViewSet, basename="api-maturity")
router.register("areas", views.OperationalAreaViewSet, basename="api-operational-area")
router.register("milestones", views.MilestoneViewSet, basename="api-milestone")

urlpatterns = [
    path("competencies/", views.CompetencyListView.as_view(), name="api-competency-list"),
    *router.urls,
    path("starter/", views.StarterRoadmapView.as_view(), name="api-starter-roadmap"),
]
