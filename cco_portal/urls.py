from django.contrib import admin
from django.urls import include, path

from cco_portal.accounts import views as account_views
from cco_portal.organizations import views as organization_views
from cco_portal.second_factor import views as second_factor_views
from cco_portal.sso import views as sso_views

urlpatterns = [
    path("", organization_views.HomeView.as_view(), name="home"),
    path("healthz", organization_views.healthz, name="healthz"),
    # Before Django's own: a password change or reset also ends the person's API tokens.
    path("accounts/password_change/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/login/", account_views.SignInView.as_view(), name="login"),
    path("accounts/password_reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/logout/", account_views.SignOutView.as_view(), name="logout"),
    path("accounts/tokens/", account_views.ApiTokensView.as_view(), name="api_tokens"),
    path("accounts/sign-out-everywhere/", account_views.SignOutEverywhereView.as_view(), name="sign_out_everywhere"),
    path("accounts/second-factor/", include("cco_portal.second_factor.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("sso/", include("cco_portal.sso.urls")),
    path("invitations/<str:token>/", organization_views.AcceptInvitationView.as_view(), name="accept_invitation"),
    path("o/<slug:org_slug>/", include("cco_portal.organizations.urls")),
    path(
        "o/<slug:org_slug>/members/<int:user_id>/second-factor/reset/",
        second_factor_views.MemberSecondFactorResetView.as_view(),
        name="member_second_factor_reset",
    ),
    path("o/<slug:org_slug>/api-tokens/", account_views.MemberApiTokensView.as_view(), name="member_api_tokens"),
    path(
        "o/<slug:org_slug>/settings/sign-on/",
        sso_views.IdentityProviderSettingsView.as_view(),
        name="sign_on_settings",
    ),
    path("o/<slug:org_slug>/assessments/", include("assessments.urls")),
    path("o/<slug:org_slug>/roadmap/", include("roadmap.urls")),
    path("o/<slug:org_slug>/metrics/", include("metrics.urls")),
    path("o/<slug:org_slug>/reports/", include("reports.urls")),
    path("o/<slug:org_slug>/audit/", include("cco_portal.audit.urls")),
    path("api/", include("cco_portal.api_urls")),
    path("admin/", admin.site.urls),
]
