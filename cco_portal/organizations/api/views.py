from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.response import Response

from .. import services
from ..models import Invitation, Membership, Organization
from ..roles import ADMINS
from ..scoping import OrganizationScopedAPIMixin
from .serializers import InvitationSerializer, MembershipInputSerializer, MembershipSerializer, OrganizationSerializer


def _as_api_error(error: ValidationError) -> serializers.ValidationError:
    return serializers.ValidationError({"detail": error.messages})


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
    """One organization; admins may rename it."""

    serializer_class = OrganizationSerializer
    write_roles = ADMINS

    def get_object(self):
        return _organizations_with_my_memberships(self.request.user).get(pk=self.organization.pk)


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
        data = MembershipInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            membership = services.add_member(
                organization=self.organization,
                user=data.validated_data["email"],
                role=data.validated_data["role"],
                acting_user=request.user,
            )
        except ValidationError as error:
            raise _as_api_error(error) from error
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, membership):
        try:
            services.remove_membership(membership=membership, acting_user=self.request.user)
        except ValidationError as error:
            raise _as_api_error(error) from error


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
        try:
            serializer.instance = services.invite_member(
                organization=self.organization,
                email=serializer.validated_data["email"],
                role=serializer.validated_data["role"],
                invited_by=self.request.user,
            )
        except ValidationError as error:
            raise _as_api_error(error) from error

    def perform_destroy(self, invitation):
        try:
            services.revoke_invitation(invitation=invitation, acting_user=self.request.user)
        except ValidationError as error:
            raise _as_api_error(error) from error
