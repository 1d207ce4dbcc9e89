from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("actions", views.ActionViewSet, basename="api-report-action")

urlpatterns = [
    path("", views.ReportRunListView.as_view(), name="api-report-list"),
    path("runs/<int:report_id>/", views.ReportRunView.as_view(), name="api-report-run"),
    path("schedule/", views.ScheduleView.as_view(), name="api-report-schedule"),
    *router.urls,
    path("actions/<int:action_id>/milestone/", views.ActionMilestoneView.as_view(), name="api-report-action-milestone"),
    path("meetings/", include("reports.meetings.api.urls")),
    path("<str:month>/", views.ReportView.as_view(), name="api-report-detail"),
]
