"""Customer activity stored straight into the tables, for tests of what is computed from it."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import F, Value
from django.db.models.functions import Coalesce, Least

from metrics.models import REVENUE_SCALE, Customer, CustomerActivity, CustomerMovement, Dataset, MonthlyMovement
from metrics.months import parse_month_label
from tests.metrics.movement_reference import CLASSES


def units(amount) -> int:
    return int(Decimal(str(amount)) * REVENUE_SCALE)


def load(organization, rows, *, window: int = 1):
    """Store (customer, YYYY-MM, amount, segment) rows as an import would: amounts of a customer and month
    added up, each customer in the segment of its latest month. Returns what the reference needs."""
    CustomerActivity.objects.filter(organization=organization).delete()
    Customer.objects.filter(organization=organization).delete()
    organization.activity_window = window
    organization.save(update_fields=["activity_window"])
    activity, segment_of_month = defaultdict(int), {}
    for customer, period, amount, segment in rows:
        month = parse_month_label(period)
        activity[(customer, month)] += units(amount)
        segment_of_month[(customer, month)] = segment
    latest = {}
    for customer, month in activity:
        latest[customer] = max(latest.get(customer, month), month)
    segments = {customer: segment_of_month[(customer, month)] for customer, month in latest.items()}
    customers = {
        name: Customer.objects.create(organization=organization, external_id=name, segment=segment)
        for name, segment in segments.items()
    }
    CustomerActivity.objects.bulk_create(
        CustomerActivity(
            organization=organization,
            customer=customers[name],
            month=month,
            revenue=revenue,
            segment=segment_of_month[(name, month)],
        )
        for (name, month), revenue in activity.items()
    )
    return dict(activity), segments


HISTORY = [
    # Ann buys more, the same, then less.
    ("ann", "2024-01", "100", "North"),
    ("ann", "2024-02", "150", "North"),
    ("ann", "2024-03", "150", "North"),
    ("ann", "2024-04", "90", "North"),
    # Bob leaves in February and comes back in March, then leaves again.
    ("bob", "2024-01", "50", "South"),
    ("bob", "2024-03", "70", "South"),
    # Cy's purchase is refunded in the same month: Cy never becomes active.
    ("cy", "2024-02", "30", "South"),
    ("cy", "2024-02", "-30", "South"),
    # Dee joins in March and is gone in April.
    ("dee", "2024-03", "20.5", "North"),
]


def stored_bridge(organization) -> dict:
    """The stored monthly bridge in the shape of tests.metrics.movement_reference's result."""
    return {
        (row.segment, row.month): {
            "active": row.active_count,
            "value": row.active_value,
            "stable_count": row.stable_count,
            "stable_value": 0,
            **{f"{c}_count": getattr(row, f"{c}_count") for c in CLASSES if c != "stable"},
            **{f"{c}_value": getattr(row, f"{c}_value") for c in CLASSES if c != "stable"},
        }
        for row in MonthlyMovement.objects.filter(organization=organization)
    }


def stored_movements(organization) -> set:
    """The stored CustomerMovement rows, every column."""
    return set(
        CustomerMovement.objects.filter(organization=organization).values_list(
            "customer_id", "month", "movement", "value", "previous_value", "segment"
        )
    )


def add_month(organization, period: str, revenue_of: dict[str, int]) -> None:
    """Store a month of revenue (in units) for the named customers, as an import of that month would, and
    record the new data version and its first changed month."""
    month = parse_month_label(period)
    customers = Customer.objects.filter(organization=organization, external_id__in=revenue_of)
    CustomerActivity.objects.bulk_create(
        CustomerActivity(
            organization=organization,
            customer=customer,
            month=month,
            revenue=revenue_of[customer.external_id],
            segment=customer.segment,
        )
        for customer in customers
    )
    Dataset.objects.filter(organization=organization).update(
        version=F("version") + 1, changed_from=Least(Coalesce("changed_from", Value(month)), Value(month))
    )
