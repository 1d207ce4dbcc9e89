from celery import shared_task

from cco_portal.organizations.models import Organization

from . import services
from .computation import compute_customer_movements
from .models import ActivityImport


@shared_task(acks_late=True, soft_time_limit=20 * 60, time_limit=25 * 60)
def compute_movements_task(organization_id: int) -> int | None:
    """Recompute an organization's movements; returns the data version they were computed from."""
    organization = Organization.objects.get(pk=organization_id)
    return compute_customer_movements(organization=organization).computed_version


@shared_task(acks_late=True, soft_time_limit=services.IMPORT_TIME_LIMIT - 60, time_limit=services.IMPORT_TIME_LIMIT)
def run_import_task(import_id: int) -> str | None:
    """Run a queued import; returns how it ended. Acknowledged only once done, so that an import whose
    worker died is delivered again, and run again."""
    activity_import = ActivityImport.objects.select_related("organization").filter(pk=import_id).first()
    if activity_import is None:
        return None
    return services.run_import(activity_import=activity_import).status
