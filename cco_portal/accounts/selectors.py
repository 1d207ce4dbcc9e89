"""Reads about people's access: the API tokens a person holds, and those of an organization's members."""

from django.db.models import QuerySet
from django.utils import timezone
from knox.models import AuthToken

from cco_portal.organizations.models import Organization


def live_api_tokens(*, user) -> QuerySet[AuthToken]:
    """`user`'s tokens that have not expired, newest first."""
    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")


def members_api_tokens(*, organization: Organization) -> QuerySet[AuthToken]:
    """The live tokens of the organization's members, newest first; what its admins may see and revoke."""
    return (
        AuthToken.objects.filter(user__memberships__organization=organization, expiry__gt=timezone.now())
        .select_related("user")
        .distinct()
        .order_by("-created")
    )
