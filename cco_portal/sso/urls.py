from django.urls import path

from . import views

app_name = "sso"

# Public by nature: whoever signs in is not signed in yet.
urlpatterns = [
    path("", views.CompanySignInView.as_view(), name="sign_in"),
    path("callback/", views.CallbackView.as_view(), name="callback"),
    path("welcome/", views.NoRoleView.as_view(), name="no_role"),
]
