from django.urls import path
from rest_framework.routers import SimpleRouter

from . import horizon, journey, listening, reliability, views

router = SimpleRouter()
router.register("maturity", views.MaturityAssessmentViewSet, basename="api-maturity")
router.register("areas", views.OperationalAreaViewSet, basename="api-operational-area")
router.register("milestones", views.MilestoneViewSet, basename="api-milestone")

urlpatterns = [
    path("competencies/", views.CompetencyListView.as_view(), name="api-competency-list"),
    *router.urls,
    path("starter/", views.StarterRoadmapView.as_view(), name="api-starter-roadmap"),
    path("journey/", journey.JourneyMapView.as_view(), name="api-journey"),
    path("journey/start/", journey.JourneyStartView.as_view(), name="api-journey-start"),
    path("journey/stages/", journey.StageListView.as_view(), name="api-journey-stage-list"),
    path("journey/stages/<int:stage_id>/", journey.StageDetailView.as_view(), name="api-journey-stage-detail"),
    path("journey/touchpoints/", journey.TouchpointListView.as_view(), name="api-journey-touchpoint-list"),
    path(
        "journey/touchpoints/<int:touchpoint_id>/",
        journey.TouchpointDetailView.as_view(),
        name="api-journey-touchpoint-detail",
    ),
    path("journey/versions/", journey.VersionListView.as_view(), name="api-journey-version-list"),
    path("journey/priorities/", journey.PriorityListView.as_view(), name="api-journey-priority-list"),
    path(
        "journey/priorities/<int:priority_id>/",
        journey.PriorityDetailView.as_view(),
        name="api-journey-priority-detail",
    ),
    path(
        "journey/priorities/<int:priority_id>/stance/",
        journey.PriorityStanceView.as_view(),
        name="api-journey-priority-stance",
    ),
    path(
        "journey/priorities/<int:priority_id>/decision/",
        journey.PriorityDecisionView.as_view(),
        name="api-journey-priority-decision",
    ),
    path("journey/versions/<int:map_version>/", journey.VersionDetailView.as_view(), name="api-journey-version-detail"),
    path("reliability/issues/", reliability.IssueListView.as_view(), name="api-reliability-issue-list"),
    path(
        "reliability/issues/<int:issue_id>/",
        reliability.IssueDetailView.as_view(),
        name="api-reliability-issue-detail",
    ),
    path(
        "reliability/issues/<int:issue_id>/status/",
        reliability.IssueStatusView.as_view(),
        name="api-reliability-issue-status",
    ),
    path(
        "reliability/issues/<int:issue_id>/occurrences/",
        reliability.IssueOccurrencesView.as_view(),
        name="api-reliability-issue-occurrences",
    ),
    path(
        "reliability/issues/<int:issue_id>/recurrence/",
        reliability.IssueRecurrenceView.as_view(),
        name="api-reliability-issue-recurrence",
    ),
    path("reliability/moments/", reliability.MomentListView.as_view(), name="api-reliability-moment-list"),
    path(
        "reliability/moments/<int:moment_id>/",
        reliability.MomentDetailView.as_view(),
        name="api-reliability-moment-detail",
    ),
    path(
        "reliability/moments/<int:moment_id>/milestones/",
        reliability.MomentLinkView.as_view(),
        name="api-reliability-moment-link",
    ),
    path("horizon/", horizon.HorizonView.as_view(), name="api-horizon"),
    path("listening/", listening.ListeningPathView.as_view(), name="api-listening"),
    path("listening/sources/", listening.SourceListView.as_view(), name="api-listening-source-list"),
    path(
        "listening/sources/<int:listening_source_id>/",
        listening.SourceDetailView.as_view(),
        name="api-listening-source-detail",
    ),
    path(
        "listening/sources/<int:listening_source_id>/reports/",
        listening.SourceReportListView.as_view(),
        name="api-listening-source-reports",
    ),
    path("listening/feeds/", listening.FeedListView.as_view(), name="api-listening-feed-list"),
    path("listening/feeds/<int:stage_feed_id>/", listening.FeedDetailView.as_view(), name="api-listening-feed-detail"),
]
