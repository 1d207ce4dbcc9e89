"""Writes of the audit log: record_event, the one way an event is recorded.

An event is written in the caller's transaction, so that it commits with the change it records and a
change that is rolled back leaves no event behind. Sign-in failures have no surrounding transaction and
are written at once.

Services know who acts and on what; where the request came from is the request's business, so
AuditContextMiddleware keeps the client address for the duration of a request and record_event takes it
from there. Work done outside a request (a worker, a management command) has no address.
"""

import re
from contextlib import contextmanager
from contextvars import ContextVar

from django.http import HttpResponse

from cco_portal.accounts.lockout import client_ip
from cco_portal.organizations.models import Organization

from .models import Action, AuditEvent

_request_client_ip: ContextVar[str | None] = ContextVar("audit_request_client_ip", default=None)

_FILENAME = re.compile(r'filename="([^"]+)"')


@contextmanager
def request_context(request):
    """While the block runs, events recorded without a request are given this request's client address."""
    token = _request_client_ip.set(client_ip(request))
    try:
        yield
    finally:
        _request_client_ip.reset(token)


def record_event(
    *, action: Action, organization: Organization | None = None, actor=None, request=None, target: str = "", **details
) -> AuditEvent:
    """Record that `actor` did `action` in `organization`, about `target`; `details` must be JSON.

    The client address is the request's (REMOTE_ADDR, or X-Forwarded-For behind the trusted proxies that
    settings.TRUSTED_PROXY_COUNT declares: the rule of the sign-in lockout), or the current request's when
    no request is given. With a request and no actor, the signed-in user of the request acts.
    """
    if request is not None:
        ip_address = client_ip(request)
        user = getattr(request, "user", None)
        if actor is None and user is not None and user.is_authenticated:
            actor = user
    else:
        ip_address = _request_client_ip.get()
    return AuditEvent.objects.create(
        organization=organization,
        actor=actor,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        target=str(target)[:255],
        details=details,
        ip_address=ip_address,
    )


def audited_download(request, organization: Organization, response: HttpResponse, what: str) -> HttpResponse:
    """Record that the requesting user downloaded `response` (a CSV, PDF or zip attachment), and return it.

    One call at the end of each download view: the file name and the filters of the request go with it.
    """
    match = _FILENAME.search(response.get("Content-Disposition", ""))
    record_event(
        action=Action.EXPORT_DOWNLOADED,
        organization=organization,
        request=request,
        target=what,
        file=match.group(1) if match else "",
        filters={key: request.GET.getlist(key) for key in request.GET if key != "page"},
    )
    return response
