from django.urls import path

from . import views

# Included by metrics/urls.py under sources/, in its namespace.
urlpatterns = [
    path("", views.SourceListView.as_view(), name="sources"),
    path("new/", views.SourceCreateView.as_view(), name="source_create"),
    path("mapping/", views.ColumnMappingView.as_view(), name="column_mapping"),
    path("<int:source_id>/", views.SourceView.as_view(), name="source"),
    path("<int:source_id>/pull/", views.SourcePullView.as_view(), name="source_pull"),
    path("<int:source_id>/delete/", views.SourceDeleteView.as_view(), name="source_delete"),
]
