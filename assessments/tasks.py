from smtplib import SMTPException

from celery import shared_task

from . import services
from .models import Round


@shared_task(autoretry_for=(SMTPException, ConnectionError), retry_backoff=True, max_retries=5)
def notify_invitees_task(round_id: int) -> int:
    # Given only the id, the task learns the organization from the row itself.
    round_ = Round.objects.unscoped().select_related("organization").get(pk=round_id)
    return services.notify_invitees(round_=round_)
