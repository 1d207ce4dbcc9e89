from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("rounds/new/<str:kind>/", views.OpenRoundView.as_view(), name="open_round"),
    path("rounds/<int:round_id>/", views.RoundView.as_view(), name="round"),
    path("rounds/<int:round_id>/answer/", views.AnswerView.as_view(), name="answer"),
    path("rounds/<int:round_id>/answer/review/", views.ReviewView.as_view(), name="review"),
    path("rounds/<int:round_id>/results/", views.ResultsView.as_view(), name="results"),
    path("rounds/<int:round_id>/results.csv", views.ResultsCsvView.as_view(), name="results_csv"),
    path("rounds/<int:round_id>/invitees/", views.InviteesView.as_view(), name="invitees"),
    path("rounds/<int:round_id>/reminders/", views.ReminderDaysView.as_view(), name="reminder_days"),
    path("rounds/<int:round_id>/nudge/", views.NudgeWaitingView.as_view(), name="nudge_waiting"),
    path(
        "rounds/<int:round_id>/invitees/<int:invitee_id>/nudge/", views.NudgeInviteeView.as_view(), name="nudge_invitee"
    ),
    path("rounds/<int:round_id>/extend/", views.ExtendRoundView.as_view(), name="extend"),
    path("rounds/<int:round_id>/close/", views.CloseRoundView.as_view(), name="close"),
]
