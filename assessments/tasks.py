from celery import shared_task

from cco_portal.emails import deliver

from . import reminders, services
from .models import Invitee, Reminder, Round


@shared_task
def notify_invitees_task(round_id: int) -> int:
    """Queue one email per invitee not yet told about the round, so that one address failing stops nobody
    else's; returns how many were queued."""
    # Given only the id, the task learns the organization from the row itself.
    round_ = Round.objects.unscoped().select_related("organization").get(pk=round_id)
    pending = services.pending_invitees(round_)
    for invitee in pending:
        notify_invitee_task.delay(invitee.pk)
    return len(pending)


@shared_task(bind=True)
def notify_invitee_task(self, invitee_id: int) -> None:
    invitee = Invitee.objects.select_related("round__organization").get(pk=invitee_id)
    deliver(
        self,
        lambda: services.notify_invitee(invitee=invitee),
        organization=invitee.round.organization,
        to=invitee.email,
        what=f"invitation to answer “{invitee.round.title}”",
    )


@shared_task
def send_due_reminders_task() -> int:
    """The daily sweep: queue today's scheduled reminders in every organization's open rounds."""
    return reminders.send_due_reminders()


@shared_task(bind=True)
def send_reminder_task(self, reminder_id: int) -> bool:
    # Given only the id, the task learns the organization from the row itself.
    reminder = Reminder.objects.select_related("invitee__round__organization").filter(pk=reminder_id).first()
    if reminder is None:
        return False
    invitee = reminder.invitee
    return deliver(
        self,
        lambda: reminders.send_reminder(reminder=reminder),
        organization=invitee.round.organization,
        to=invitee.email,
        what=f"reminder to answer “{invitee.round.title}”",
    )


@shared_task(bind=True)
def send_round_change_task(self, invitee_id: int, change: str) -> None:
    invitee = Invitee.objects.select_related("round__organization").get(pk=invitee_id)
    deliver(
        self,
        lambda: reminders.send_round_change(invitee=invitee, change=change),
        organization=invitee.round.organization,
        to=invitee.email,
        what=f"news that “{invitee.round.title}” changed its closing date",
    )
