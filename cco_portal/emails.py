"""The one way the portal sends email: a subject that is always one safe line, each person's message on its
own, a failed send retried with backoff, and a send that still fails recorded where the CCO sees it.

A line break in a milestone title, a round title or an organization name once raised a header error that
stopped the daily sweep for every organization. Every email now goes through `send_email`, and every task that
sends one through `deliver`.
"""

import logging
import re
from collections.abc import Sequence
from datetime import timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from cco_portal.audit.models import Action, AuditEvent
from cco_portal.audit.services import record_event

logger = logging.getLogger(__name__)

SUBJECT_LIMIT = 150
# Errors worth trying again: the mail server or the network, not the message.
TRANSIENT = (SMTPException, ConnectionError, OSError)
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(text: str, limit: int = SUBJECT_LIMIT) -> str:
    """`text` as one line a mail header can hold: line breaks and control characters become spaces, runs of
    spaces one, and a text longer than `limit` ends with an ellipsis."""
    line = " ".join(_BREAKS.sub(" ", text).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def send_email(
    *,
    to: str,
    subject: str,
    body: str,
    html: str | None = None,
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> None:
    """Send one message to one person; nobody sees another recipient's address. `attachments` are
    (file name, content, content type)."""
    message = EmailMultiAlternatives(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, [to])
    if html is not None:
        message.attach_alternative(html, "text/html")
    for name, content, content_type in attachments:
        message.attach(name, content, content_type)
    message.send()


def deliver(task, send, *, organization, to: str, what: str) -> bool:
    """Run `send` inside a bound Celery `task`: a transient failure is tried again with backoff, up to the
    task's max_retries (Celery's 3 by default: after 30 s, 1 and 2 minutes); one that still fails, or one that
    is not transient, is recorded in the organization's audit log as undelivered (shown to its CCO and admins
    on the overview) instead of failing silently. Returns whether it was sent."""
    try:
        send()
    except TRANSIENT as error:
        if task.request.retries < task.max_retries and _can_retry(task):
            raise task.retry(exc=error, countdown=30 * 2**task.request.retries) from error
        _record_undelivered(organization, to, what, error)
        return False
    except Exception as error:
        logger.exception("Email %r to %s could not be built or sent", what, to)
        _record_undelivered(organization, to, what, error)
        return False
    return True


def _can_retry(task) -> bool:
    # In-process with errors propagated (no broker), Celery's retry raises to whoever queued the task, a sweep
    # that would stop for everyone after this address: record the failure at once instead.
    return not (task.request.is_eager and task.app.conf.task_eager_propagates)


def _record_undelivered(organization, to: str, what: str, error: BaseException) -> None:
    record_event(
        action=Action.EMAIL_UNDELIVERED,
        organization=organization,
        target=to,
        email=one_line(what),
        reason=one_line(f"{type(error).__name__}: {error}", limit=200),
    )


def undelivered_recently(organization, *, days: int = 14):
    """The organization's emails that could not be delivered in the last `days` days, newest first."""
    since = timezone.now() - timedelta(days=days)
    return AuditEvent.objects.for_organization(organization).filter(
        action=Action.EMAIL_UNDELIVERED, created_at__gte=since
    )
