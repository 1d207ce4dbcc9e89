from django.urls import path

from . import views

# Included by reports/api/urls.py under meetings/.
urlpatterns = [
    path("", views.MeetingListView.as_view(), name="api-meeting-list"),
    path("series/", views.SeriesView.as_view(), name="api-meeting-series"),
    path("<int:meeting_id>/", views.MeetingView.as_view(), name="api-meeting-detail"),
    path("<int:meeting_id>/cancel/", views.MeetingCancelView.as_view(), name="api-meeting-cancel"),
    path("<int:meeting_id>/invitation.ics", views.MeetingCalendarView.as_view(), name="api-meeting-calendar"),
    path("<int:meeting_id>/candidates/", views.CandidateListView.as_view(), name="api-meeting-candidates"),
    path(
        "<int:meeting_id>/candidates/<int:candidate_id>/", views.CandidateView.as_view(), name="api-meeting-candidate"
    ),
    path(
        "<int:meeting_id>/candidates/<int:candidate_id>/propose-again/",
        views.ProposeAgainView.as_view(),
        name="api-meeting-propose-again",
    ),
    path("<int:meeting_id>/ranking/", views.RankingView.as_view(), name="api-meeting-ranking"),
    path("<int:meeting_id>/start/", views.StartView.as_view(), name="api-meeting-start"),
    path("<int:meeting_id>/decision/", views.DecisionView.as_view(), name="api-meeting-decision"),
]
