from django.urls import path

from . import views

# Included by roadmap/urls.py under listening/, in its namespace.
urlpatterns = [
    path("", views.ListeningPathView.as_view(), name="listening"),
    path("sources/", views.SourceAddView.as_view(), name="listening_source_add"),
    path("sources/<int:listening_source_id>/", views.SourceView.as_view(), name="listening_source"),
    path(
        "sources/<int:listening_source_id>/report/",
        views.SourceReportView.as_view(),
        name="listening_source_report",
    ),
    path("feeds/", views.FeedAttachView.as_view(), name="listening_feed_add"),
    path("feeds/<int:stage_feed_id>/", views.FeedDetachView.as_view(), name="listening_feed"),
]
