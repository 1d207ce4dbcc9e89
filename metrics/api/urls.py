from django.urls import path
from rest_framework.routers import SimpleRouter

from . import charter, owners, periods, sources, views

router = SimpleRouter()
router.register("imports", views.ImportViewSet, basename="api-import")
router.register("data-sources", sources.DataSourceViewSet, basename="api-data-source")

urlpatterns = [
    *router.urls,
    path("movements/", views.MovementListView.as_view(), name="api-movements"),
    path("movements/customers/", views.CustomersBehindView.as_view(), name="api-movement-customers"),
    path("movements/reasons/", views.LostByReasonView.as_view(), name="api-movement-reasons"),
    path("movements/periods/", periods.PeriodMovementListView.as_view(), name="api-period-movements"),
    path(
        "movements/periods/customers/",
        periods.PeriodCustomersBehindView.as_view(),
        name="api-period-movement-customers",
    ),
    path("column-mapping/", sources.ColumnMappingView.as_view(), name="api-column-mapping"),
    path("metrics-settings/", views.MetricsSettingsView.as_view(), name="api-metrics-settings"),
    path("reasons/", views.ReasonView.as_view(), name="api-reason"),
    path("figure-owners/", owners.FigureOwnerView.as_view(), name="api-figure-owners"),
    path("charter/", charter.CharterListView.as_view(), name="api-charter-list"),
    path("charter/<int:version>/signature/", charter.CharterSignatureView.as_view(), name="api-charter-signature"),
    path("charter/<int:version>/agree/", charter.CharterAgreeView.as_view(), name="api-charter-agree"),
]
