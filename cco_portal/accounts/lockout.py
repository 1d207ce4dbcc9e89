"""Sign-in lockout with django-axes: whose failures count together, and what a locked-out client is told.

Failures count per email address and client address together (settings.AXES_LOCKOUT_PARAMETERS): one place
cannot try many passwords for an account, and nobody elsewhere can lock a person out by failing on purpose.
"""

import ipaddress
import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import formats, timezone


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, unless settings.TRUSTED_PROXY_COUNT proxies stand in front of the portal.

    Each trusted proxy appends the address it was connected from to X-Forwarded-For, so the client is the entry
    that many places from the right; whatever stands further left the client wrote itself, and is never read.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if proxies and len(forwarded) >= proxies:
        try:
            return str(ipaddress.ip_address(forwarded[-proxies]))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR")


def username_of(request: HttpRequest, credentials: dict | None) -> str | None:
    """The email address tried. Accounts are found whatever the case of the address, so failures count alike."""
    username = (credentials or getattr(request, "data", request.POST)).get("username")
    return username.strip().lower() if isinstance(username, str) else None


def lockout_response(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """429 Too Many Requests, saying when to try again: JSON for the API's token login, a page for people.

    Every attempt during the lockout counts as another failure, so the wait runs from this attempt.
    """
    cool_off = settings.AXES_COOLOFF_TIME
    retry_at = timezone.localtime(request.axes_attempt_time + cool_off)
    minutes = math.ceil(cool_off.total_seconds() / 60)
    if request.resolver_match and request.resolver_match.url_name == "api-token":
        when = formats.date_format(retry_at, "H:i T")
        response = JsonResponse(
            {
                "detail": f"Too many failed sign-ins. Try again in {minutes} minutes, after {when}.",
                "retry_at": retry_at.isoformat(),
            },
            status=429,
        )
    else:
        response = render(
            request, "registration/locked_out.html", {"retry_at": retry_at, "minutes": minutes}, status=429
        )
    response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    return response
