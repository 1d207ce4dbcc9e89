from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("rounds", views.RoundViewSet, basename="api-round")

urlpatterns = [
    path("questionnaires/", views.QuestionnaireListView.as_view(), name="api-questionnaire-list"),
    *router.urls,
    path("rounds/<int:round_id>/my-response/", views.MyResponseView.as_view(), name="api-my-response"),
    path(
        "rounds/<int:round_id>/my-response/submit/",
        views.SubmitResponseView.as_view(),
        name="api-my-response-submit",
    ),
    path("rounds/<int:round_id>/results/", views.RoundResultsView.as_view(), name="api-round-results"),
    path("rounds/<int:round_id>/reminders/", views.ReminderDaysAPIView.as_view(), name="api-round-reminders"),
    path("rounds/<int:round_id>/nudge/", views.NudgeAPIView.as_view(), name="api-round-nudge"),
    path("rounds/<int:round_id>/extend/", views.ExtendRoundAPIView.as_view(), name="api-round-extend"),
    path("rounds/<int:round_id>/close/", views.CloseRoundAPIView.as_view(), name="api-round-close"),
]
