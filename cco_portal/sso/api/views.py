"""The organization's single sign-on in the API: admins read, set and remove it. Writes go through
cco_portal.sso.services, as the settings page's do."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from cco_portal.organizations.roles import ADMINS
from cco_portal.organizations.scoping import OrganizationScopedAPIMixin

from .. import selectors, services
from ..views import callback_url
from .serializers import IdentityProviderSerializer


class IdentityProviderView(OrganizationScopedAPIMixin, APIView):
    """The organization's OpenID Connect provider (single sign-on). Admins only: it decides who may sign in."""

    read_roles = ADMINS
    write_roles = ADMINS
    serializer_class = IdentityProviderSerializer

    def _answer(self, provider, status_code=status.HTTP_200_OK):
        context = {"redirect_uri": callback_url(self.request)}
        return Response(IdentityProviderSerializer(provider, context=context).data, status=status_code)

    @extend_schema(responses=IdentityProviderSerializer)
    def get(self, request, *args, **kwargs):
        """The provider; 404 while the organization signs in with passwords."""
        provider = selectors.provider_of(self.organization)
        if provider is None:
            raise NotFound(_("This organization has no single sign-on; PUT one to set it up."))
        return self._answer(provider)

    @extend_schema(request=IdentityProviderSerializer, responses=IdentityProviderSerializer)
    def put(self, request, *args, **kwargs):
        """Set up or change the provider (recorded in the audit log). Leave `client_secret` out to keep it."""
        serializer = IdentityProviderSerializer(data=request.data, context={"redirect_uri": ""})
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        provider = services.save_identity_provider(
            organization=self.organization, acting_user=request.user, domains=fields.pop("domain_names"), **fields
        )
        return self._answer(provider)

    @extend_schema(responses={204: None})
    def delete(self, request, *args, **kwargs):
        """Turn single sign-on off: members sign in with passwords again."""
        services.remove_identity_provider(organization=self.organization, acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
