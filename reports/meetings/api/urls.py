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
    path("<int:meeting_id>/stories/", views.StoryListView.as_view(), name="api-meeting-stories"),
    path("<int:meeting_id>/stories/<int:story_id>/", views.StoryView.as_view(), name="api-meeting-story"),
    path("<int:meeting_id>/attendance/", views.AttendanceView.as_view(), name="api-meeting-attendance"),
    path("<int:meeting_id>/close/", views.CloseView.as_view(), name="api-meeting-close"),
    path("<int:meeting_id>/corrections/", views.CorrectionListView.as_view(), name="api-meeting-corrections"),
    path("<int:meeting_id>/minutes.pdf", views.MinutesView.as_view(), name="api-meeting-minutes"),
]
