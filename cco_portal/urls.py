from django.contrib import admin
from django.urls import include, path

from cco_portal.organizations import views as organization_views

urlpatterns = [
    path("", organization_views.HomeView.as_view(), name="home"),
    path("healthz", organization_views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("invitations/<str:token>/", organization_views.AcceptInvitationView.as_view(), name="accept_invitation"),
    path("o/<slug:org_slug>/", include("cco_portal.organizations.urls")),
    path("o/<slug:org_slug>/assessments/", include("assessments.urls")),
    path("o/<slug:org_slug>/roadmap/", include("roadmap.urls")),
    path("o/<slug:org_slug>/metrics/", include("metrics.urls")),
    path("o/<slug:org_slug>/reports/", include("reports.urls")),
    path("o/<slug:org_slug>/audit/", include("cco_portal.audit.urls")),
    path("api/", include("cco_portal.api_urls")),
    path("admin/", admin.site.urls),
]
