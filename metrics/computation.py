"""compute_customer_movements: the service that turns an organization's activity into its stored movements."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Min
from django.utils import timezone

from cco_portal.organizations.models import Organization

from .models import ALL_SEGMENTS, Customer, CustomerActivity, CustomerMovement, Dataset, MonthlyMovement
from .movements import CLASSES, MonthFigures, ShardFigures, aggregate_shard, merge, store_shard


class IdentityViolation(Exception):
    """The movements of a month do not add up; nothing is stored."""


@transaction.atomic
def compute_customer_movements(*, organization: Organization, shards: int | None = None) -> Dataset:
    """Recompute and store the organization's movements for every month from its first to its last
    month with data: each changed customer's class per month, and the monthly bridge overall and per
    segment. The two identities of PRODUCT.md are checked for every month and segment before anything
    is kept; a violation raises IdentityViolation and rolls everything back.

    `shards` splits the customers by id (default: settings.METRICS_SHARDS); the figures of the shards
    add up to the same result whatever their number.
    """
    shards = shards or settings.METRICS_SHARDS
    dataset, _ = Dataset.objects.get_or_create(organization=organization)
    # One computation per organization at a time: a second one waits here and then sees the first's result.
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    window = organization.activity_window
    bounds = CustomerActivity.objects.for_organization(organization).aggregate(first=Min("month"), last=Max("month"))

    CustomerMovement.objects.for_organization(organization).delete()
    MonthlyMovement.objects.for_organization(organization).delete()
    if bounds["first"] is not None:
        for shard in range(shards):
            store_shard(
                organization_id=organization.pk, window=window, last_month=bounds["last"], shard=shard, shards=shards
            )
        figures = merge(
            [aggregate_shard(organization_id=organization.pk, shard=s, shards=shards) for s in range(shards)]
        )
        MonthlyMovement.objects.bulk_create(monthly_rows(organization, figures, bounds["first"], bounds["last"]))

    dataset.computed_version = dataset.version
    dataset.computed_window = window
    dataset.first_month, dataset.last_month = bounds["first"], bounds["last"]
    dataset.computed_at = timezone.now()
    dataset.save(update_fields=["computed_version", "computed_window", "first_month", "last_month", "computed_at"])
    return dataset


def monthly_rows(organization: Organization, figures: ShardFigures, first: int, last: int) -> list[MonthlyMovement]:
    """The bridge of every month first..last, overall and per segment (every segment a customer is in,
    whether or not anyone in it moved), each checked against the identities."""
    segments = set(Customer.objects.for_organization(organization).values_list("segment", flat=True).distinct())
    segments |= {segment for segment, _ in figures}
    overall: ShardFigures = {}
    for (_, month), month_figures in figures.items():
        overall.setdefault((ALL_SEGMENTS, month), MonthFigures()).add(month_figures)
    figures = {**figures, **overall}

    rows = []
    for segment in [ALL_SEGMENTS, *sorted(segments)]:
        active = value = 0
        for month in range(first, last + 1):
            f = figures.get((segment, month), MonthFigures())
            _check_identities(segment, month, f)
            active += f.active_change
            value += f.value_change
            changed = sum(f.counts[name] for name in CLASSES if name != "lost")
            stable = active - changed
            if stable < 0 or active < 0:
                raise IdentityViolation(f"{segment or 'all'} {month}: {active} active but {changed} changed")
            rows.append(
                MonthlyMovement(
                    organization=organization,
                    segment=segment,
                    month=month,
                    active_count=active,
                    active_value=value,
                    stable_count=stable,
                    **{f"{name}_count": f.counts[name] for name in CLASSES},
                    **{f"{name}_value": f.values[name] for name in CLASSES},
                )
            )
    return rows


def _check_identities(segment, month: int, f: MonthFigures) -> None:
    gained = f.counts["new"] + f.counts["reactivated"] - f.counts["lost"]
    if gained != f.active_change:
        raise IdentityViolation(
            f"{segment or 'all'} {month}: active changed by {f.active_change}, but new + reactivated - lost = {gained}"
        )
    classes_total = sum(f.values.values())
    if classes_total != f.value_change:
        raise IdentityViolation(
            f"{segment or 'all'} {month}: value changed by {f.value_change}, but the classes add to {classes_total}"
        )


@transaction.atomic
def change_activity_window(*, organization: Organization, months: int) -> Organization:
    """Set how many months of revenue make a customer active, and recompute the movements with it."""
    from .tasks import compute_movements_task

    if not 1 <= months <= 36:
        raise ValidationError({"activity_window": "Choose a window of 1 to 36 months."})
    if months != organization.activity_window:
        organization.activity_window = months
        organization.save(update_fields=["activity_window"])
        dataset, _ = Dataset.objects.get_or_create(organization=organization)
        Dataset.objects.filter(pk=dataset.pk).update(version=F("version") + 1)
        transaction.on_commit(lambda: compute_movements_task.delay(organization.pk))
    return organization
