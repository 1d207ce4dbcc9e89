from smtplib import SMTPException

from celery import shared_task

from . import reminders, services
from .models import Invitee, Reminder, Round


@shared_task(autoretry_for=(SMTPException, ConnectionError), retry_backoff=True, max_retries=5)
def notify_invitees_task(round_id: int) -> int:
    # Given only the id, the task learns the organization from the row itself.
    round_ = Round.objects.unscoped().select_related("organization").get(pk=round_id)
    return services.notify_invitees(round_=round_)


@shared_task
def send_due_reminders_task() -> int:
    """The daily sweep: queue today's scheduled reminders in every organization's open rounds."""
    return reminders.send_due_reminders()


@shared_task(autoretry_for=(SMTPException, ConnectionError), retry_backoff=True, max_retries=5)
def send_reminder_task(reminder_id: int) -> bool:
    # Given only the id, the task learns the organization from the row itself.
    reminder = Reminder.objects.select_related("invitee__round__organization").filter(pk=reminder_id).first()
    return reminder is not None and reminders.send_reminder(reminder=reminder)


@shared_task(autoretry_for=(SMTPException, ConnectionError), retry_backoff=True, max_retries=5)
def send_round_change_task(invitee_id: int, change: str) -> None:
    invitee = Invitee.objects.select_related("round__organization").get(pk=invitee_id)
    reminders.send_round_change(invitee=invitee, change=change)
