"""Signing in to the API and managing one's API tokens (django-rest-knox: stored hashed, expiring)."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from cco_portal.organizations.roles import ADMINS
from cco_portal.organizations.scoping import OrganizationScopedAPIMixin
from cco_portal.second_factor.services import check_token_sign_in
from cco_portal.sso.services import password_refused_for_single_sign_on

from .. import selectors, services
from .serializers import ApiTokenSerializer, IssuedTokenSerializer, MemberApiTokenSerializer, TokenRequestSerializer

# Written for whoever calls the API; the lockout's numbers come from its settings, so the description cannot
# drift from what django-axes does.
TOKEN_DESCRIPTION = f"""Exchange your email address (as `username`) and password for a token, and send the
token as `Authorization: Token <token>` on every other request. The answer also says when the token expires;
sign in again for a new one. Someone with a second factor also sends its current code (or a recovery code) as
`otp`; a wrong one counts as a failed sign-in. Someone whose role requires a second factor and who has not set
it up is refused (403) until they set it up on the web. Someone whose organization requires its company
account (single sign-on) is refused (403): they make their tokens on the web, at /accounts/tokens/. Only the
token's hash is stored: keep it, it is shown this once. List and revoke your tokens at /api/v1/auth/tokens/.

After {settings.AXES_FAILURE_LIMIT} failed attempts for one email address from one client address, sign-in is
paused there for {settings.AXES_COOLOFF_TIME.total_seconds() / 60:.0f} minutes: the answer is then 429, with
`Retry-After` saying how many seconds to wait."""


class ObtainAuthTokenView(APIView):
    """Exchange an email address and password for an API token."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="Sign in for a token",
        description=TOKEN_DESCRIPTION,
        request=TokenRequestSerializer,
        responses=IssuedTokenSerializer,
    )
    def post(self, request, *args, **kwargs):
        # Any JSON may arrive; only an object can hold a username (AuthTokenSerializer refuses the rest below).
        username = request.data.get("username") if isinstance(request.data, dict) else None
        if isinstance(username, str) and password_refused_for_single_sign_on(email=username, request=request._request):
            raise PermissionDenied(
                _(
                    "Your organization signs in with its company account, not a password: sign in on the web with "
                    "your company's account, then make a token on your API tokens page (%(page)s)."
                )
                % {"page": request.build_absolute_uri(reverse("api_tokens"))}
            )
        # django-axes counts failures and marks a lockout on Django's own request, not on DRF's wrapper.
        credentials = AuthTokenSerializer(data=request.data, context={"request": request._request})
        credentials.is_valid(raise_exception=True)
        user = credentials.validated_data["user"]
        check_token_sign_in(user=user, code=request.data.get("otp") or "", request=request._request)
        token, secret = services.issue_api_token(user=user, request=request)
        return Response(IssuedTokenSerializer({"token": secret, "expiry": token.expiry}).data)


class ApiTokenListView(generics.ListAPIView):
    """Your API tokens that have not expired, named by their first characters."""

    serializer_class = ApiTokenSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.live_api_tokens(user=self.request.user)


class ApiTokenDetailView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, token_key: str, *args, **kwargs):
        """Revoke one of your API tokens."""
        token = get_object_or_404(selectors.live_api_tokens(user=request.user), token_key=token_key)
        services.revoke_api_token(token=token, acting_user=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SignOutEverywhereView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request, *args, **kwargs):
        """End every API token and every browser session you have, this one included."""
        services.sign_out_everywhere(user=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberApiTokenListView(OrganizationScopedAPIMixin, generics.ListAPIView):
    """The live API tokens of the organization's members, for its admins to review."""

    serializer_class = MemberApiTokenSerializer
    read_roles = ADMINS
    write_roles = ADMINS

    def get_queryset(self):
        return selectors.members_api_tokens(organization=self.organization)


class MemberApiTokenDetailView(OrganizationScopedAPIMixin, APIView):
    read_roles = ADMINS
    write_roles = ADMINS

    @extend_schema(responses={204: None})
    def delete(self, request, token_key: str, *args, **kwargs):
        """Revoke a member's API token; a token of someone who is not a member is not found."""
        tokens = selectors.members_api_tokens(organization=self.organization)
        token = get_object_or_404(tokens, token_key=token_key)
        services.revoke_api_token(token=token, acting_user=request.user, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)
