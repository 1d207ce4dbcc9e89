"""An organization's admins reset a member's second factor through the API, as on the member's page."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from cco_portal.organizations.models import Membership
from cco_portal.organizations.roles import ADMINS
from cco_portal.organizations.scoping import OrganizationScopedAPIMixin

from .. import services


class MemberSecondFactorView(OrganizationScopedAPIMixin, APIView):
    read_roles = ADMINS
    write_roles = ADMINS

    @extend_schema(responses={204: None})
    def delete(self, request, user_id: int, *args, **kwargs):
        """Reset a member's second factor (their authenticator and recovery codes) after they lost it; they set
        up a new one at their next sign-in, and their API tokens end. Recorded in the audit log. Your own is
        reset by another admin."""
        membership = Membership.objects.for_organization(self.organization).filter(user_id=user_id).first()
        if membership is None:
            raise Http404("No such member.")
        services.reset_second_factor(
            organization=self.organization, user=membership.user, acting_user=request.user, request=request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
