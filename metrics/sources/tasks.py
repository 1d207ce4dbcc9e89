from celery import shared_task
from django.contrib.auth import get_user_model

from .. import services as import_services
from .fetchers import SourceError
from .models import DataSource, PullTrigger
from .services import email_pull_failure, pull_data_source

MAX_RETRIES = 3
# Seconds before the first retry; each one waits twice as long as the one before.
RETRY_BACKOFF = 60


# A pull is an import, with the import task's time limits (within the broker's visibility timeout).
@shared_task(
    bind=True,
    acks_late=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=import_services.IMPORT_TIME_LIMIT - 60,
    time_limit=import_services.IMPORT_TIME_LIMIT,
)
def pull_data_source_task(
    self, source_id: int, trigger: str = PullTrigger.SCHEDULE, pulled_by_id: int | None = None
) -> str | None:
    """Pull a source (beat's schedule, or "pull now"); returns how it ended. A transient failure (a refused
    or lost connection, a timeout on the way) is tried again up to MAX_RETRIES times with a growing pause;
    a pull that fails for good, or is refused, is emailed to the organization's CCOs with the reason."""
    # Given only the id, the task learns the organization from the row itself.
    source = DataSource.objects.unscoped().select_related("organization").filter(pk=source_id).first()
    if source is None or (trigger == PullTrigger.SCHEDULE and not source.enabled):
        return None
    pulled_by = get_user_model().objects.filter(pk=pulled_by_id).first() if pulled_by_id else None
    attempt = self.request.retries + 1
    try:
        pull = pull_data_source(source=source, trigger=trigger, pulled_by=pulled_by, attempt=attempt)
    except SourceError as error:
        if error.transient and self.request.retries < MAX_RETRIES:
            raise self.retry(countdown=RETRY_BACKOFF * 2**self.request.retries) from error
        email_pull_failure(pull=source.pulls.order_by("-pk").first())
        return "failed"
    if pull.error:
        email_pull_failure(pull=pull)
    return pull.status
