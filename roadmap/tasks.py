from smtplib import SMTPException

from celery import shared_task

from . import services
from .models import Milestone


@shared_task(autoretry_for=(SMTPException, ConnectionError), retry_backoff=True, max_retries=5)
def notify_milestone_owner_task(milestone_id: int) -> None:
    # Given only the id, the task learns the organization from the row itself.
    milestone = Milestone.objects.unscoped().select_related("owner", "organization").filter(pk=milestone_id).first()
    if milestone is not None:
        services.notify_milestone_owner(milestone=milestone)


@shared_task(autoretry_for=(SMTPException, ConnectionError), retry_backoff=True, max_retries=3)
def notify_overdue_milestones_task() -> int:
    return services.notify_overdue_milestones()
