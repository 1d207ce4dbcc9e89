from django.urls import path

from . import views

# Included by roadmap/urls.py under reliability/, in its namespace.
urlpatterns = [
    path("", views.ReliabilityLogView.as_view(), name="reliability"),
    path("issues/<int:issue_id>/", views.IssueView.as_view(), name="reliability_issue"),
    path("issues/<int:issue_id>/status/", views.IssueStatusView.as_view(), name="reliability_issue_status"),
    path(
        "issues/<int:issue_id>/occurrences/",
        views.IssueOccurrencesView.as_view(),
        name="reliability_issue_occurrences",
    ),
    path("issues/<int:issue_id>/recurrence/", views.IssueRecurrenceView.as_view(), name="reliability_issue_recurrence"),
    path("moments/", views.MomentsView.as_view(), name="reliability_moments"),
    path("moments/<int:moment_id>/", views.MomentView.as_view(), name="reliability_moment"),
    path("moments/<int:moment_id>/milestones/", views.MomentLinkView.as_view(), name="reliability_moment_link"),
]
