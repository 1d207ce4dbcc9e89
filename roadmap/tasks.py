from datetime import date

from celery import shared_task

from cco_portal.emails import deliver

from . import services
from .models import Milestone


@shared_task(bind=True)
def notify_milestone_owner_task(self, milestone_id: int) -> None:
    # Given only the id, the task learns the organization from the row itself.
    milestone = Milestone.objects.unscoped().select_related("owner", "organization").filter(pk=milestone_id).first()
    if milestone is not None and milestone.owner is not None:
        deliver(
            self,
            lambda: services.notify_milestone_owner(milestone=milestone),
            organization=milestone.organization,
            to=milestone.owner.email,
            what=f"news that the milestone “{milestone.title}” is theirs",
        )


@shared_task
def notify_overdue_milestones_task(today: date | None = None) -> int:
    """The daily sweep: one email task per owner of a milestone that became overdue; returns how many."""
    claimed = services.claim_overdue_milestones(today=today)
    for queued, milestone in enumerate(claimed):
        try:
            notify_overdue_owner_task.delay(milestone.pk)
        except Exception:
            # Not queued (the broker out of reach): give back the claims not queued, so the next sweep does.
            services.release_overdue_claims(claimed[queued:])
            raise
    return len(claimed)


@shared_task(bind=True)
def notify_overdue_owner_task(self, milestone_id: int) -> bool:
    # Given only the id, the task learns the organization from the row itself.
    milestone = Milestone.objects.unscoped().select_related("owner", "organization").get(pk=milestone_id)
    return deliver(
        self,
        lambda: services.notify_overdue_owner(milestone=milestone),
        organization=milestone.organization,
        to=milestone.owner.email,
        what=f"news that the milestone “{milestone.title}” is overdue",
    )
