"""Writes about a person's own access: API tokens issued and revoked, and signing out everywhere.

API tokens are django-rest-knox's: only a hash is stored (a leaked database gives no usable token), each expires
after API_TOKEN_TTL_DAYS, and each can be listed by its first characters and revoked. A password change or reset
and "sign out everywhere" end them all, as they end the person's sessions.
"""

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken

from cco_portal.audit.models import Action
from cco_portal.audit.services import record_event

# A script that signs in on every run would otherwise pile tokens up; past this the oldest ones end.
API_TOKENS_PER_PERSON = 20


@transaction.atomic
def issue_api_token(*, user, request=None) -> tuple[AuthToken, str]:
    """A new API token for `user`; returns the stored token and the secret, which is shown this once only.
    Expired tokens are cleared, and past API_TOKENS_PER_PERSON the oldest live ones end."""
    AuthToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    oldest = AuthToken.objects.filter(user=user).order_by("-created").values_list("pk", flat=True)
    AuthToken.objects.filter(pk__in=list(oldest[API_TOKENS_PER_PERSON - 1 :])).delete()
    token, secret = AuthToken.objects.create(user=user)
    record_event(action=Action.SIGNED_IN, actor=user, request=request, target=user.email.lower(), via="api token")
    return token, secret


@transaction.atomic
def revoke_api_token(*, token: AuthToken, acting_user, request=None) -> None:
    """End one API token: its owner's own choice, or an admin's of an organization the owner belongs to."""
    owner = token.user
    token.delete()
    record_event(
        action=Action.API_TOKEN_REVOKED,
        actor=acting_user,
        request=request,
        target=owner.email.lower(),
        token=token.token_key,
    )


@transaction.atomic
def end_api_tokens(*, user) -> int:
    """End every API token of `user`, as a password change or reset does; returns how many there were."""
    ended, _ = AuthToken.objects.filter(user=user).delete()
    return ended


@transaction.atomic
def sign_out_everywhere(*, user, request=None) -> None:
    """End every session and API token of `user`: on this device, on every other and in every script."""
    tokens = end_api_tokens(user=user)
    # Sessions are stored by key, not by person: read the live ones and end those that belong to this person.
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
    record_event(
        action=Action.SIGNED_OUT_EVERYWHERE, actor=user, request=request, target=user.email.lower(), tokens=tokens
    )
