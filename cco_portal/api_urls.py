from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cco_portal.accounts.api.views import ObtainAuthTokenView
from cco_portal.organizations.api import views as organization_api

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("v1/auth/token/", ObtainAuthTokenView.as_view(), name="api-token"),
    path("v1/orgs/", organization_api.OrganizationListView.as_view(), name="api-organizations"),
    path("v1/orgs/<slug:org_slug>/", include("cco_portal.organizations.api.urls")),
    path("v1/orgs/<slug:org_slug>/assessments/", include("assessments.api.urls")),
    path("v1/orgs/<slug:org_slug>/roadmap/", include("roadmap.api.urls")),
    path("v1/orgs/<slug:org_slug>/", include("metrics.api.urls")),
    path("v1/orgs/<slug:org_slug>/reports/", include("reports.api.urls")),
    path("v1/orgs/<slug:org_slug>/", include("cco_portal.audit.api.urls")),
]
