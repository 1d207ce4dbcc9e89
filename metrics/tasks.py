from celery import shared_task

from cco_portal.organizations.models import Organization

from .computation import compute_customer_movements


@shared_task(acks_late=True, soft_time_limit=20 * 60, time_limit=25 * 60)
def compute_movements_task(organization_id: int) -> int | None:
    """Recompute an organization's movements; returns the data version they were computed from."""
    organization = Organization.objects.get(pk=organization_id)
    return compute_customer_movements(organization=organization).computed_version
