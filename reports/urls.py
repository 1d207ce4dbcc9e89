# Shared by two engineers: the report pages (views.py: latest, dashboard, pdf, csv) and the pages that run
# the customer room (views_manage.py: schedule, compute, actions), which the computing side owns.
from django.urls import path, register_converter

from metrics.months import month_label, parse_month_label

from . import views, views_manage
from .meetings import views as meetings
from .meetings.drilldown import StoryFromListView

app_name = "reports"


class MonthConverter:
    """A month in URLs as YYYY-MM, in views as the month's number (metrics.months)."""

    regex = r"[0-9]{4}-(0[1-9]|1[0-2])"

    def to_python(self, value: str) -> int:
        return parse_month_label(value)

    def to_url(self, value: int | str) -> str:
        return value if isinstance(value, str) else month_label(value)


register_converter(MonthConverter, "month")

urlpatterns = [
    path("", views.LatestView.as_view(), name="latest"),
    path("schedule/", views_manage.ScheduleView.as_view(), name="schedule"),
    path("schedule/compute/", views_manage.ComputeView.as_view(), name="compute"),
    path("actions/", views_manage.ActionListView.as_view(), name="actions"),
    path("actions/<int:action_id>/", views_manage.ActionEditView.as_view(), name="action"),
    path("actions/<int:action_id>/milestone/", views_manage.ActionMilestoneView.as_view(), name="action_milestone"),
    path("meetings/", meetings.MeetingListView.as_view(), name="meetings"),
    path("meetings/series/", meetings.SeriesView.as_view(), name="meeting_series"),
    path("meetings/schedule-next/", meetings.ScheduleNextView.as_view(), name="meeting_schedule_next"),
    path("meetings/stories/from-list/", StoryFromListView.as_view(), name="meeting_story_from_list"),
    path("meetings/<int:meeting_id>/", meetings.MeetingView.as_view(), name="meeting"),
    path("meetings/<int:meeting_id>/invitation.ics", meetings.MeetingCalendarView.as_view(), name="meeting_ics"),
    path("meetings/<int:meeting_id>/edit/", meetings.MeetingEditView.as_view(), name="meeting_edit"),
    path("meetings/<int:meeting_id>/cancel/", meetings.MeetingCancelView.as_view(), name="meeting_cancel"),
    path("meetings/<int:meeting_id>/propose/", meetings.ProposeView.as_view(), name="meeting_propose"),
    path(
        "meetings/<int:meeting_id>/candidates/<int:candidate_id>/withdraw/",
        meetings.WithdrawView.as_view(),
        name="meeting_withdraw",
    ),
    path(
        "meetings/<int:meeting_id>/candidates/<int:candidate_id>/propose-again/",
        meetings.ProposeAgainView.as_view(),
        name="meeting_propose_again",
    ),
    path("meetings/<int:meeting_id>/rank/", meetings.RankView.as_view(), name="meeting_rank"),
    path("meetings/<int:meeting_id>/start/", meetings.StartView.as_view(), name="meeting_start"),
    path("meetings/<int:meeting_id>/decide/", meetings.DecideView.as_view(), name="meeting_decide"),
    path("meetings/<int:meeting_id>/stories/", meetings.StoryPickView.as_view(), name="meeting_story_pick"),
    path(
        "meetings/<int:meeting_id>/stories/<int:story_id>/note/",
        meetings.StoryNoteView.as_view(),
        name="meeting_story_note",
    ),
    path(
        "meetings/<int:meeting_id>/stories/<int:story_id>/remove/",
        meetings.StoryRemoveView.as_view(),
        name="meeting_story_remove",
    ),
    path("meetings/<int:meeting_id>/attendance/", meetings.AttendanceView.as_view(), name="meeting_attendance"),
    path("meetings/<int:meeting_id>/close/", meetings.CloseView.as_view(), name="meeting_close"),
    path("meetings/<int:meeting_id>/corrections/", meetings.CorrectionView.as_view(), name="meeting_correct"),
    path("meetings/<int:meeting_id>/minutes.pdf", meetings.MinutesPdfView.as_view(), name="meeting_minutes"),
    path("<month:month>/", views.DashboardView.as_view(), name="dashboard"),
    path("<month:month>/pdf/", views.PdfView.as_view(), name="pdf"),
    path("<month:month>/csv/", views.CsvView.as_view(), name="csv"),
]
