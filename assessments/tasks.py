from smtplib import SMTPException

from celery import shared_task

from . import services
from .models import Round


@shared_task(autoretry_for=(SMTPException, ConnectionError), retry_backoff=True, max_retries=5)
def notify_invitees_task(round_id: int) -> int:
    return services.notify_invitees(round_=Round.objects.select_related("organization").get(pk=round_id))
