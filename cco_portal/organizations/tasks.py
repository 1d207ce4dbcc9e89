from celery import shared_task

from cco_portal.emails import deliver

from . import services
from .models import Invitation


@shared_task(bind=True)
def send_invitation_email_task(self, invitation_id: int) -> None:
    # Given only the id, the task learns the organization from the row itself.
    invitation = Invitation.objects.unscoped().select_related("organization").get(pk=invitation_id)
    if invitation.is_pending:
        deliver(
            self,
            lambda: services.send_invitation_email(invitation=invitation),
            organization=invitation.organization,
            to=invitation.email,
            what="invitation to join",
        )
