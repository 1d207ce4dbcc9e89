from django.urls import path

from . import views

# Included by metrics/urls.py under charter/, in its namespace.
urlpatterns = [
    path("", views.CharterView.as_view(), name="charter"),
    path("propose/", views.CharterProposeView.as_view(), name="charter_propose"),
    path("<int:version>/sign/", views.CharterSignView.as_view(), name="charter_sign"),
    path("<int:version>/agree/", views.CharterAgreeView.as_view(), name="charter_agree"),
]
