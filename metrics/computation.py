"""compute_customer_movements: the service that turns an organization's activity into its stored movements.

A computation starts at the first month whose data changed since the last one (every month before it
stays as it was), or at the first month of the data when the window changed or when nothing was computed
yet. Customers who changed segment take their whole history with them (PRODUCT.md): their figures of the
months kept are classified again, for them alone, and moved from the segment they were counted in to
today's, so that a month's import where some customers change region costs about what one without does.
Its work is split over shards of customers whose figures add up; run in one transaction here, or over
Celery workers in a chord (tasks.py), which share the three steps below: plan, compute the shards, finish.

A chord's shards commit apart, so they stage their customers' rows under the computation's number, and its
last step publishes them with the bridge in one transaction: all of its months change at once or none does.
"""

from dataclasses import asdict, dataclass, replace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, DataError, connection, transaction
from django.db.models import Exists, F, Max, Min, OuterRef
from django.utils import timezone
from django.utils.translation import gettext

from cco_portal.audit.models import Action
from cco_portal.audit.services import record_event
from cco_portal.organizations.models import Organization

from .charter.services import reopen_charter_for_window
from .models import ALL_SEGMENTS, Customer, CustomerActivity, CustomerMovement, Dataset, MonthlyMovement
from .movements import (
    CLASSES,
    MonthFigures,
    ShardFigures,
    compute_shard,
    discard_staged_movements,
    merge,
    move_segments,
    publish_staged_movements,
)


class IdentityViolation(Exception):
    """The movements of a month do not add up; nothing is stored."""


class ComputationSuperseded(Exception):
    """A computation split over workers no longer holds the dataset's mark: another one took over after its
    lease ran out, and only that one may publish."""


@dataclass(frozen=True)
class Plan:
    """What one computation covers: the data version and window it reads, and its months."""

    organization_id: int
    version: int
    window: int
    first_month: int | None  # None: no activity at all
    last_month: int | None
    from_month: int | None
    # The number of a computation split over workers, whose shards stage their rows; None: one that stores
    # them in place, in a single transaction.
    computation: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@transaction.atomic
def compute_customer_movements(*, organization: Organization, shards: int | None = None) -> Dataset:
    """Bring the organization's stored movements up to date with its activity: each customer's new,
    reactivated and lost months, and the monthly bridge overall and per segment, for every month from
    its first to its last month with data. The two identities of PRODUCT.md are checked for every
    month and segment before anything is kept; a violation raises IdentityViolation and rolls
    everything back.

    `shards` splits the customers by id (default: settings.METRICS_SHARDS); the figures of the shards
    add up to the same result whatever their number.
    """
    shards = shards or settings.METRICS_SHARDS
    # One computation per organization at a time: a second one waits here and then sees the first's result.
    dataset = _locked_dataset(organization)
    plan = plan_computation(organization, dataset)
    parts = [compute_movement_shard(plan, shard=shard, shards=shards) for shard in range(shards)]
    return finish_computation(organization, plan, merge(parts))


@transaction.atomic
def start_sharded_computation(*, organization: Organization, lease_seconds: int) -> Plan | None:
    """Plan a computation whose shards run as separate tasks, and mark it running under a new number so that
    no second one interleaves with it; None while another holds the mark (for at most `lease_seconds`, in
    case its worker died)."""
    dataset = _locked_dataset(organization)
    now = timezone.now()
    if dataset.computing_since and (now - dataset.computing_since).total_seconds() < lease_seconds:
        return None
    dataset.computing_since = now
    dataset.computation += 1
    dataset.save(update_fields=["computing_since", "computation"])
    # Rows left by earlier computations whose clean-up never ran (a lost worker): none of them may publish now.
    discard_staged_movements(organization_id=organization.pk)
    return replace(plan_computation(organization, dataset), computation=dataset.computation)


def abandon_sharded_computation(*, organization_id: int, computation: int) -> None:
    """After a chord failed: discard what its shards staged, and, if no part of it could say why (a worker
    lost, a time limit), record that on the dataset and clear its mark. The changes it meant to compute
    stay recorded for the next one."""
    discard_staged_movements(organization_id=organization_id, computation=computation)
    Dataset.objects.filter(
        organization_id=organization_id, computation=computation, computing_since__isnull=False
    ).update(
        failed_at=timezone.now(),
        failure=gettext(
            "a part of the computation stopped before it finished (its worker was lost or ran out of time)"
        ),
        computing_since=None,
    )


def _holds_mark(plan: Plan) -> bool:
    return Dataset.objects.filter(
        organization_id=plan.organization_id, computation=plan.computation, computing_since__isnull=False
    ).exists()


def _locked_dataset(organization: Organization) -> Dataset:
    dataset, _ = Dataset.objects.get_or_create(organization=organization)
    return Dataset.objects.select_for_update().get(organization=organization, pk=dataset.pk)


def plan_computation(organization: Organization, dataset: Dataset) -> Plan:
    """The months the next computation must cover (see the module's docstring)."""
    bounds = CustomerActivity.objects.for_organization(organization).aggregate(first=Min("month"), last=Max("month"))
    first, last = bounds["first"], bounds["last"]
    window = organization.activity_window
    from_month = first
    stored = MonthlyMovement.objects.for_organization(organization).filter(segment=ALL_SEGMENTS)
    stored_last = stored.aggregate(last=Max("month"))["last"]
    can_resume = (
        first is not None
        and dataset.changed_from is not None
        and dataset.computed_version is not None
        and dataset.computed_window == window
        and stored.filter(month=first).exists()
    )
    if can_resume:
        from_month = max(first, min(dataset.changed_from, (stored_last or first - 1) + 1))
    return Plan(organization.pk, dataset.version, window, first, last, from_month)


def compute_movement_shard(plan: Plan, *, shard: int = 0, shards: int = 1) -> ShardFigures:
    """Replace one shard's stored movements from the plan's first month on (or stage them, for a numbered
    computation), and return its figures."""
    if plan.computation is not None and not _holds_mark(plan):
        return {}  # another part of its computation failed, or another computation took over: nothing to publish
    if plan.from_month is None:
        if plan.computation is None:
            CustomerMovement.objects.filter(organization_id=plan.organization_id).delete()
        return {}
    return compute_shard(
        organization_id=plan.organization_id,
        window=plan.window,
        from_month=plan.from_month,
        last_month=plan.last_month,
        shard=shard,
        shards=shards,
        computation=plan.computation,
        columnar=uses_columnar_engine(plan),
    )


def uses_columnar_engine(plan: Plan) -> bool:
    """Whether the plan's shards classify in DuckDB (metrics/columnar.py): on PostgreSQL, where it pays for every
    month and also after a monthly import, which at a window of W months reads W + 1 months of activity
    (bench/README.md)."""
    return settings.METRICS_COLUMNAR and connection.vendor == "postgresql"


@transaction.atomic
def finish_computation(organization: Organization, plan: Plan, figures: ShardFigures) -> Dataset:
    """Check the identities, store the monthly bridge of the plan's months (with, for a numbered computation,
    the movements its shards staged), and record what the stored movements now reflect."""
    dataset = _locked_dataset(organization)
    if plan.computation is not None and (dataset.computation != plan.computation or not dataset.computing_since):
        raise ComputationSuperseded(f"computation {plan.computation} of {organization} no longer holds the mark")
    stored = MonthlyMovement.objects.for_organization(organization)
    if plan.from_month is None:
        stored.delete()
        if plan.computation is not None:
            CustomerMovement.objects.filter(organization_id=organization.pk).delete()
    else:
        if plan.from_month > plan.first_month:
            _move_segments(organization, plan)
        segments = _segments(organization, known={segment for segment, _ in figures})
        rows = monthly_rows(organization, plan, figures, segments)
        if plan.computation is not None:
            publish_staged_movements(
                organization_id=organization.pk, computation=plan.computation, from_month=plan.from_month
            )
        stored.filter(month__gte=plan.from_month).delete()
        stored.exclude(month__range=(plan.first_month, plan.last_month)).delete()
        stored.exclude(segment=ALL_SEGMENTS).exclude(segment__in=segments).delete()
        MonthlyMovement.objects.bulk_create(rows)

    dataset.computed_version = plan.version
    dataset.computed_window = plan.window
    dataset.computed_at = timezone.now()
    # Data that changed while this computation ran is still to be computed.
    if dataset.version == plan.version:
        dataset.changed_from = None
    dataset.computing_since = None
    dataset.failed_at, dataset.failure = None, ""
    dataset.save(
        update_fields=[
            "computed_version",
            "computed_window",
            "computed_at",
            "changed_from",
            "computing_since",
            "failed_at",
            "failure",
        ]
    )
    return dataset


def record_computation_failure(*, organization_id: int, error: BaseException, computation: int | None = None) -> None:
    """Say on the dataset that its figures could not be brought up to date, and why, in words a CCO can act
    on; the figures computed before stay as they are, and stay shown. For a part of a numbered `computation`
    split over workers, what its shards staged is discarded and its mark cleared, unless another computation
    took over meanwhile (that one's state is its own to record)."""
    if isinstance(error, IdentityViolation):
        reason = gettext(
            "the figures did not add up (%(error)s); this is a fault of the portal, reported to its developers"
        ) % {"error": error}
    elif isinstance(error, DataError):
        reason = gettext("the database refused a figure as out of range or invalid")
    elif isinstance(error, DatabaseError):
        reason = gettext("the database did not answer in time or the connection was lost")
    else:
        reason = gettext("an unexpected error (%(error)s)") % {"error": type(error).__name__}
    datasets = Dataset.objects.filter(organization_id=organization_id)
    if computation is not None:
        discard_staged_movements(organization_id=organization_id, computation=computation)
        datasets = datasets.filter(computation=computation)
    datasets.update(failed_at=timezone.now(), failure=reason, computing_since=None)


BRIDGE_FIELDS = (
    "active_count",
    "active_value",
    "stable_count",
    *(f"{name}_{kind}" for name in CLASSES for kind in ("count", "value")),
)


def _move_segments(organization: Organization, plan: Plan) -> None:
    """Move the customers who changed segment, in the stored bridge of the months before the plan's first
    (those after it are computed with today's segments): each month's figures of theirs are taken out of
    the segment they were counted in and added to today's, which gets its rows from the first month if it
    had none."""
    kept = (plan.first_month, plan.from_month - 1)
    moves = move_segments(
        organization_id=organization.pk, window=plan.window, first_month=kept[0], from_month=plan.from_month
    )
    if not moves.customers:
        return
    affected = {segment for segment, _ in moves.leaving} | {segment for segment, _ in moves.arriving}
    stored = MonthlyMovement.objects.for_organization(organization).filter(segment__in=affected, month__lte=kept[1])
    rows = {(row.segment, row.month): row for row in stored}
    for sign, figures in ((-1, moves.leaving), (1, moves.arriving)):
        for (segment, month), totals in _bridge_totals(figures, *kept).items():
            row = rows.get((segment, month))
            if row is None:
                row = rows[(segment, month)] = MonthlyMovement(
                    organization=organization, segment=segment, month=month, **dict.fromkeys(BRIDGE_FIELDS, 0)
                )
            for name, amount in totals.items():
                setattr(row, name, getattr(row, name) + sign * amount)
    for (segment, month), row in rows.items():
        if any(getattr(row, name) < 0 for name in BRIDGE_FIELDS if name.endswith("_count")):
            raise IdentityViolation(f"{segment or 'all'} {month}: a count below zero after moving customers")
    # Written again rather than updated: bulk_update's CASE per field and row costs more than the rows.
    stored.delete()
    MonthlyMovement.objects.bulk_create(rows.values())


def _bridge_totals(figures: ShardFigures, first: int, last: int) -> dict[tuple[str, int], dict[str, int]]:
    """The bridge fields of some customers, per segment and month from `first` to `last`, from their movements:
    the active customers and value run on from zero before the first month."""
    totals = {}
    for segment in {segment for segment, _ in figures}:
        active = value = 0
        for month in range(first, last + 1):
            f = figures.get((segment, month), MonthFigures())
            active += f.active_change
            value += f.value_change
            changed = sum(f.counts[name] for name in CLASSES if name != "lost")
            totals[(segment, month)] = {
                "active_count": active,
                "active_value": value,
                "stable_count": active - changed,
                **{f"{name}_count": f.counts[name] for name in CLASSES},
                **{f"{name}_value": f.values[name] for name in CLASSES},
            }
    return totals


def _segments(organization: Organization, known: set[str]) -> set[str]:
    """The segments of the customers with activity (a customer whose rows were all replaced away is in none):
    `known` (those with movements in the months computed), and any other segment of a customer, each asked on
    its own, which its first customer with activity answers. One semi-join of every customer with the activity
    took 0.4-0.6 s at 100,000 customers, half of a computation after a monthly import."""
    customers = Customer.objects.for_organization(organization)
    with_activity = customers.filter(Exists(CustomerActivity.objects.filter(customer=OuterRef("pk"))))
    others = set(customers.values_list("segment", flat=True).distinct()) - known
    return known | {segment for segment in others if with_activity.filter(segment=segment).exists()}


def monthly_rows(
    organization: Organization, plan: Plan, figures: ShardFigures, segments: set[str]
) -> list[MonthlyMovement]:
    """The bridge of every month of the plan, overall and per segment (every segment a customer is in,
    whether or not anyone in it moved), each checked against the identities. A segment new since the
    last computation gets its rows from the first month."""
    overall: ShardFigures = {}
    for (_, month), month_figures in figures.items():
        overall.setdefault((ALL_SEGMENTS, month), MonthFigures()).add(month_figures)
    figures = {**figures, **overall}
    resumed = MonthlyMovement.objects.for_organization(organization).filter(month=plan.from_month - 1)
    before = {row.segment: row for row in resumed} if plan.from_month > plan.first_month else {}

    rows = []
    for segment in [ALL_SEGMENTS, *sorted(segments)]:
        start = before.get(segment)
        first = plan.from_month if start else plan.first_month
        active, value = (start.active_count, start.active_value) if start else (0, 0)
        for month in range(first, plan.last_month + 1):
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
def change_activity_window(*, organization: Organization, months: int, changed_by=None) -> Organization:
    """Set how many months of revenue make a customer active, recompute the movements with it, and open a new
    version of the customer-asset charter for the leaders to sign. A change is recorded in the audit log as
    done by `changed_by`."""
    from .services import queue_computation

    if not 1 <= months <= 36:
        raise ValidationError({"activity_window": gettext("Choose a window of 1 to 36 months.")})
    if months != organization.activity_window:
        record_event(
            action=Action.SETTINGS_CHANGED,
            organization=organization,
            actor=changed_by,
            target="activity window",
            old=organization.activity_window,
            new=months,
        )
        organization.activity_window = months
        organization.save(update_fields=["activity_window"])
        dataset, _ = Dataset.objects.get_or_create(organization=organization)
        Dataset.objects.filter(organization=organization, pk=dataset.pk).update(version=F("version") + 1)
        transaction.on_commit(lambda: queue_computation(organization.pk), robust=True)
        # The leaders signed the definitions with the old window: the new one is theirs to sign again.
        reopen_charter_for_window(organization=organization, changed_by=changed_by)
    return organization
