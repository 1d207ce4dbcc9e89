from django.urls import path

from . import views

# Included by reports/api/urls.py under meetings/.
urlpatterns = [
    path("", views.MeetingListView.as_view(), name="api-meeting-list"),
    path("series/", views.SeriesView.as_view(), name="api-meeting-series"),
    path("<int:meeting_id>/", views.MeetingView.as_view(), name="api-meeting-detail"),
    path("<int:meeting_id>/cancel/", views.MeetingCancelView.as_view(), name="api-meeting-cancel"),
    path("<int:meeting_id>/invitation.ics", views.MeetingCalendarView.as_view(), name="api-meeting-calendar"),
]
