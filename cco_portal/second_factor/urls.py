from django.urls import path

from . import views

app_name = "second_factor"

urlpatterns = [
    path("", views.SetupView.as_view(), name="setup"),
    path("verify/", views.VerifyView.as_view(), name="verify"),
]
