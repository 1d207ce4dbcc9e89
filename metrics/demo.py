"""Sample customer data for the demo organization: two years (the 24 months up to last month) of monthly
revenue for about 300 customers in four regions, and why some of those who left did so, imported through
the same services as a CSV file uploaded on the imports page.

The numbers come from random.Random(SEED), so every demo shows the same customers and figures.
"""

import csv
import io
import random
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cco_portal.organizations.roles import Role

from . import services
from .charter import services as charter_services
from .charter.models import Decision
from .computation import compute_customer_movements
from .models import CustomerActivity, ImportKind, ImportMode
from .months import month_index, month_label
from .owners import services as owner_services

SEED = 2024
MONTHS = 24
CUSTOMERS_AT_START = 200
NEW_PER_MONTH = (2, 8)
SEGMENTS = [("North", 0.35), ("South", 0.25), ("East", 0.25), ("West", 0.15)]
# Per month: a customer stops buying for good, skips a month, or (once gone) comes back.
LEAVES, SKIPS, RETURNS = 0.02, 0.06, 0.05
REASONS = [
    ("Price", 5),
    ("Moved to a competitor", 4),
    ("Service problems", 3),
    ("No longer needs the product", 2),
    ("Business closed", 1),
]
# Customers buy more before the holidays and less in the summer.
SEASON = {1: 0.9, 2: 0.92, 3: 1.0, 4: 1.0, 5: 1.02, 6: 0.96, 7: 0.9, 8: 0.88, 9: 1.0, 10: 1.05, 11: 1.15, 12: 1.3}


@dataclass
class DemoCustomer:
    key: str
    segment: str
    spend: float  # a typical month's revenue
    is_gone: bool = False


def demo_months(today=None) -> list[int]:
    """The 24 months up to last month."""
    last = month_index(today or timezone.localdate()) - 1
    return list(range(last - MONTHS + 1, last + 1))


def demo_files(months: list[int], seed: int = SEED) -> tuple[str, str]:
    """The activity file (customer_id, period, revenue, segment) and the reasons file (customer_id,
    period, reason) of the demo, as CSV text."""
    rng = random.Random(seed)
    customers: list[DemoCustomer] = []

    def join() -> None:
        segment = rng.choices([s for s, _ in SEGMENTS], weights=[w for _, w in SEGMENTS])[0]
        spend = min(rng.lognormvariate(6.2, 0.8), 25_000)
        customers.append(DemoCustomer(f"C{len(customers) + 1:04d}", segment, spend))

    for _ in range(CUSTOMERS_AT_START):
        join()
    activity, reasons = [], []
    for number, month in enumerate(months):
        if number:
            for _ in range(rng.randint(*NEW_PER_MONTH)):
                join()
        season = SEASON[month % 12 + 1]
        for customer in customers:
            if customer.is_gone:
                if rng.random() < RETURNS:
                    customer.is_gone = False
                else:
                    continue
            elif number and rng.random() < LEAVES:
                customer.is_gone = True
                if rng.random() < 0.6:
                    reason = rng.choices([r for r, _ in REASONS], weights=[w for _, w in REASONS])[0]
                    reasons.append((customer.key, month_label(month), reason))
                continue
            if number and rng.random() < SKIPS:
                continue
            customer.spend *= rng.uniform(0.93, 1.08)
            revenue = Decimal(customer.spend * season * rng.uniform(0.85, 1.15)).quantize(Decimal("0.01"))
            activity.append((customer.key, month_label(month), revenue, customer.segment))
    return _csv(["customer_id", "period", "revenue", "segment"], activity), _csv(
        ["customer_id", "period", "reason"], reasons
    )


def _csv(header: list[str], rows: list[tuple]) -> str:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue()


def seed_demo(*, organization, people) -> None:
    """Import the demo's customer activity and lost-customer reasons as the CCO; nothing when the
    organization already has activity."""
    if CustomerActivity.objects.for_organization(organization).exists():
        return
    activity, reasons = demo_files(demo_months())
    for kind, name, text in (
        (ImportKind.ACTIVITY, "demo-activity.csv", activity),
        (ImportKind.REASONS, "demo-lost-reasons.csv", reasons),
    ):
        uploaded = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
        activity_import = services.start_import(
            organization=organization,
            uploaded_file=uploaded,
            kind=kind,
            mode=ImportMode.REPLACE,
            created_by=people[Role.CCO],
            run_later=False,
        )
        services.run_import(activity_import=activity_import)
    # The demo is made in one transaction, so the computation the imports ask for would come only after the
    # other apps' demos, which read the figures: compute them here.
    compute_customer_movements(organization=organization)
    _seed_charter(organization, people)
    # The executive owns the largest region and the lost customers: their overview leads with them.
    for owned in ({"segment": "North"}, {"figure": "lost"}):
        owner_services.set_figure_owner(organization=organization, owner_id=people[Role.EXECUTIVE].pk, **owned)


def _seed_charter(organization, people) -> None:
    """The charter in force: proposed by the CCO, agreed by the executive and the leadership member."""
    charter = charter_services.propose_charter(
        organization=organization,
        proposed_by=people[Role.CCO],
        customer_definition=str(charter_services.FIRST_VERSION["customer_definition"]),
        value_definition=str(charter_services.FIRST_VERSION["value_definition"]),
        intent=(
            "We count a customer as an asset the whole company earns or loses. Every month we look at who we "
            "gained and who we lost, and why, and we act on it together rather than department by department."
        ),
    )
    for role, comment in ((Role.EXECUTIVE, ""), (Role.LEADERSHIP, "Agreed; let us review the window in a year.")):
        charter_services.sign_charter(
            organization=organization,
            version=charter.version,
            user=people[role],
            roles={role},
            decision=Decision.AGREE,
            comment=comment,
        )
    charter_services.record_charter_agreed(
        organization=organization, version=charter.version, recorded_by=people[Role.CCO]
    )
