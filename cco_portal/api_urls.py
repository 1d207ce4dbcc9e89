from django.urls import include, path

from cco_portal.accounts.api import views as account_api
from cco_portal.api_views import DocsView, SchemaView
from cco_portal.organizations.api import views as organization_api
from cco_portal.second_factor.api import views as second_factor_api
from cco_portal.sso.api import views as sso_api

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(), name="api-docs"),
    path("v1/auth/token/", account_api.ObtainAuthTokenView.as_view(), name="api-token"),
    path("v1/auth/tokens/", account_api.ApiTokenListView.as_view(), name="api-tokens"),
    path("v1/auth/tokens/<str:token_key>/", account_api.ApiTokenDetailView.as_view(), name="api-token-detail"),
    path("v1/auth/sign-out-everywhere/", account_api.SignOutEverywhereView.as_view(), name="api-sign-out-everywhere"),
    path("v1/orgs/", organization_api.OrganizationListView.as_view(), name="api-organizations"),
    path("v1/orgs/<slug:org_slug>/", include("cco_portal.organizations.api.urls")),
    path("v1/orgs/<slug:org_slug>/sign-on/", sso_api.IdentityProviderView.as_view(), name="api-sign-on"),
    path("v1/orgs/<slug:org_slug>/assessments/", include("assessments.api.urls")),
    path("v1/orgs/<slug:org_slug>/roadmap/", include("roadmap.api.urls")),
    path("v1/orgs/<slug:org_slug>/", include("metrics.api.urls")),
    path("v1/orgs/<slug:org_slug>/reports/", include("reports.api.urls")),
    path("v1/orgs/<slug:org_slug>/", include("cco_portal.audit.api.urls")),
    path(
        "v1/orgs/<slug:org_slug>/members/<int:user_id>/second-factor/",
        second_factor_api.MemberSecondFactorView.as_view(),
        name="api-member-second-factor",
    ),
    path("v1/orgs/<slug:org_slug>/api-tokens/", account_api.MemberApiTokenListView.as_view(), name="api-member-tokens"),
    path(
        "v1/orgs/<slug:org_slug>/api-tokens/<str:token_key>/",
        account_api.MemberApiTokenDetailView.as_view(),
        name="api-member-token-detail",
    ),
]
