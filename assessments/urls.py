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
]
