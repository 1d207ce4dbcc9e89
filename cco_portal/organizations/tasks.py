from smtplib import SMTPException

from celery import shared_task

from . import services
from .models import Invitation


@shared_task(autoretry_for=(SMTPException, ConnectionError), retry_backoff=True, max_retries=5)
def send_invitation_email_task(invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("organization").get(pk=invitation_id)
    if invitation.is_pending:
        services.send_invitation_email(invitation=invitation)
