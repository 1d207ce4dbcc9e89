from django.urls import include, path

from . import views
from .owners.views import OwnersView

app_name = "metrics"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("customers/", views.CustomersView.as_view(), name="customers"),
    path("customers.csv", views.CustomersCsvView.as_view(), name="customers_csv"),
    path("customers/reason/", views.ReasonView.as_view(), name="reason"),
    path("imports/", views.ImportsView.as_view(), name="imports"),
    path("imports/<int:import_id>/", views.ImportView.as_view(), name="import"),
    path("imports/<int:import_id>/status/", views.ImportStatusView.as_view(), name="import_status"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path("recompute/", views.RecomputeView.as_view(), name="recompute"),
    path("sources/", include("metrics.sources.urls")),
    path("charter/", include("metrics.charter.urls")),
    path("owners/", OwnersView.as_view(), name="owners"),
]
