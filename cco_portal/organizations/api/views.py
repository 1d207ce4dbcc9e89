from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.response import Response

from .. import services
from ..models import Invitation, Membership, Organization
from ..roles import ADMINS
from ..scoping import OrganizationScopedAPIMixin
from .serializers import InvitationSerializer, MembershipInputSerializer, MembershipSerializer, OrganizationSerializer


def _organizations_with_my_memberships(user):
    return Organization.objects.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.filter(user=user))
    ).order_by("name")


class OrganizationListView(generics.ListAPIView):
    """The organizations the requesting user belongs to."""

    serializer_class = OrganizationSerializer

    def get_queryset(self):
        return (
            _organizations_with_my_memberships(self.request.user).filter(memberships__user=self.request.user).distinct()
        )


class OrganizationDetailView(OrganizationScopedAPIMixin, generics.RetrieveUpdateAPIView):
    """One organization; admins may rename it and choose whether executives get the monthly report too."""

    serializer_class = OrganizationSerializer
    write_roles = ADMINS

    def get_object(self):
        return _organizations_with_my_memberships(self.request.user).get(pk=self.organization.pk)

    def perform_update(self, serializer):
        serializer.instance = services.change_organization_settings(
            organization=serializer.instance, acting_user=self.request.user, **serializer.validated_data
        )


class MembershipViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The roles people hold in the organization, one row per role. Admins grant and take roles."""

    queryset = Membership.objects.select_related("user")
    serializer_class = MembershipSerializer
    write_roles = ADMINS

    @extend_schema(request=MembershipInputSerializer, responses={201: MembershipSerializer})
    def create(self, request, *args, **kwargs):
        """Give a member one more role. Anyone else is refused alike, with or without an account: people join
        only by accepting an invitation."""
        data = MembershipInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.grant_role(
            organization=self.organization, acting_user=request.user, **data.validated_data
        )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, membership):
        services.remove_membership(membership=membership, acting_user=self.request.user)


class InvitationViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Invitations by email; creating one sends the link, deleting one withdraws it."""

    queryset = Invitation.objects.all()
    serializer_class = InvitationSerializer
    read_roles = ADMINS
    write_roles = ADMINS

    def perform_create(self, serializer):
        serializer.instance = services.invite_member(
            organization=self.organization,
            email=serializer.validated_data["email"],
            role=serializer.validated_data["role"],
            invited_by=self.request.user,
        )

    def perform_destroy(self, invitation):
        services.revoke_invitation(invitation=invitation, acting_user=self.request.user)
