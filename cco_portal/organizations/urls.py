from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("", views.OrganizationHomeView.as_view(), name="home"),
    path("members/", views.MemberListView.as_view(), name="members"),
    path("members/invite/", views.InviteMemberView.as_view(), name="invite"),
    path("members/<int:user_id>/", views.MemberRolesView.as_view(), name="member_roles"),
    path("members/<int:user_id>/remove/", views.MemberRemoveView.as_view(), name="member_remove"),
    path("invitations/<int:invitation_id>/revoke/", views.InvitationRevokeView.as_view(), name="invitation_revoke"),
    path("invitations/<int:invitation_id>/resend/", views.InvitationResendView.as_view(), name="invitation_resend"),
    path("settings/", views.OrganizationSettingsView.as_view(), name="settings"),
]
