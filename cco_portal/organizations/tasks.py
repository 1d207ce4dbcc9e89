from smtplib import SMTPException

from celery import shared_task

from . import services
from .models import Invitation


@shared_task(autoretry_for=(SMTPException, ConnectionError), retry_backoff=True, max_retries=5)
def send_invitation_email_task(invitation_id: int) -> None:
    # Given only the id, the task learns the organization from the row itself.
    invitation = Invitation.objects.unscoped().select_related("organization").get(pk=invitation_id)
    if invitation.is_pending:
        services.send_invitation_email(invitation=invitation)
