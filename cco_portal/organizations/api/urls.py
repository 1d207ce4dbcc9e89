from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("memberships", views.MembershipViewSet, basename="api-membership")
router.register("invitations", views.InvitationViewSet, basename="api-invitation")

urlpatterns = [
    path("", views.OrganizationDetailView.as_view(), name="api-organization"),
    *router.urls,
]
