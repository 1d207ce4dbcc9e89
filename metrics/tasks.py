from celery import chord, shared_task
from django.conf import settings
from django.db import transaction

from cco_portal.organizations.models import Organization

from . import computation, services
from .models import ActivityImport
from .movements import figures_from_json, figures_to_json, merge

# A computation split over workers may take this long before a second one stops waiting for it.
COMPUTE_TIME_LIMIT = 25 * 60


# A computation that fails is tried again this many times, after 30 s, 60 s and 120 s.
COMPUTE_RETRIES = 3


@shared_task(bind=True, acks_late=True, soft_time_limit=COMPUTE_TIME_LIMIT - 5 * 60, time_limit=COMPUTE_TIME_LIMIT)
def compute_movements_task(self, organization_id: int, shards: int | None = None) -> int | None:
    """Bring an organization's movements up to date: here, or, with several shards (METRICS_SHARDS), as a
    chord of one task per shard whose figures a last task adds up and stores. Returns the data version
    computed here, or None when the chord was started. A failure is recorded on the dataset, where the CCO
    sees it, and tried again with backoff; the figures computed before stay shown meanwhile."""
    organization = Organization.objects.get(pk=organization_id)
    services.computation_started(organization_id)
    shards = shards or settings.METRICS_SHARDS
    if shards == 1:
        try:
            return computation.compute_customer_movements(organization=organization, shards=1).computed_version
        except Exception as error:
            computation.record_computation_failure(organization_id=organization_id, error=error)
            if isinstance(error, computation.IdentityViolation) or self.request.retries >= COMPUTE_RETRIES:
                raise
            raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error
    plan = computation.start_sharded_computation(organization=organization, lease_seconds=COMPUTE_TIME_LIMIT)
    if plan is None:  # another chord is computing this organization; come back when it should be done
        raise self.retry(countdown=30, max_retries=COMPUTE_TIME_LIMIT // 30)
    header = [compute_movement_shard_task.s(plan.as_dict(), shard, shards) for shard in range(shards)]
    finish = finish_movements_task.s(plan.as_dict()).on_error(
        abandon_movements_task.si(organization_id, plan.computation)
    )
    chord(header)(finish)
    return None


@shared_task(acks_late=True, soft_time_limit=COMPUTE_TIME_LIMIT - 5 * 60, time_limit=COMPUTE_TIME_LIMIT)
def compute_movement_shard_task(plan: dict, shard: int, shards: int) -> list:
    """One shard of a chord: its customers' movements staged, its figures returned to the chord. A failure
    is recorded on the dataset at once, with its reason, and fails the chord: nothing of it is published."""
    plan = computation.Plan(**plan)
    try:
        with transaction.atomic():
            figures = computation.compute_movement_shard(plan, shard=shard, shards=shards)
    except Exception as error:
        computation.record_computation_failure(
            organization_id=plan.organization_id, error=error, computation=plan.computation
        )
        raise
    return figures_to_json(figures)


@shared_task(acks_late=True)
def finish_movements_task(parts: list, plan: dict) -> int:
    """The chord's end: the shards' figures added up, checked and stored as the monthly bridge, with the
    movements the shards staged, in one transaction. A failure changes nothing published and is recorded."""
    plan = computation.Plan(**plan)
    organization = Organization.objects.get(pk=plan.organization_id)
    figures = merge([figures_from_json(part) for part in parts])
    try:
        return computation.finish_computation(organization, plan, figures).computed_version
    except Exception as error:
        computation.record_computation_failure(
            organization_id=plan.organization_id, error=error, computation=plan.computation
        )
        raise


@shared_task
def abandon_movements_task(organization_id: int, computation_number: int) -> None:
    """A shard or the end of a chord failed: discard what it staged and let the next computation start at
    once (it recomputes the months this one meant to, as their change is still recorded)."""
    computation.abandon_sharded_computation(organization_id=organization_id, computation=computation_number)


@shared_task(acks_late=True, soft_time_limit=services.IMPORT_TIME_LIMIT - 60, time_limit=services.IMPORT_TIME_LIMIT)
def run_import_task(import_id: int) -> str | None:
    """Run a queued import; returns how it ended. Acknowledged only once done, so that an import whose
    worker died is delivered again, and run again."""
    # Given only the id, the task learns the organization from the row itself.
    activity_import = ActivityImport.objects.unscoped().select_related("organization").filter(pk=import_id).first()
    if activity_import is None:
        return None
    return services.run_import(activity_import=activity_import).status


# The data sources' task lives beside their code; imported here, where Celery's autodiscovery looks.
from .sources.tasks import pull_data_source_task  # noqa: E402, F401


@shared_task
def requeue_silent_imports_task() -> list[int]:
    """Every minute: queue again the imports whose queueing failed or whose worker went silent."""
    return services.requeue_silent_imports()


@shared_task
def requeue_stalled_computations_task() -> list[int]:
    """Every minute: queue again the computations whose queueing failed or whose worker went silent."""
    return services.requeue_stalled_computations(lease_seconds=COMPUTE_TIME_LIMIT)
