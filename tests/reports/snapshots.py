"""Stored reports for the tests of the pages that read them: customer activity loaded straight into the
tables, its movements computed, and the figures of a month gathered by reports.figures into a done Report."""

import random

from django.utils import timezone

from metrics.computation import compute_customer_movements
from metrics.models import Dataset
from metrics.months import month_label, parse_month_label
from reports.figures import build_report_figures
from reports.models import Report, ReportStatus
from tests.metrics.activity import load

SEGMENTS = ("Retail", "Trade", "Online")


def activity_rows(*, first: str, months: int, customers: int, seed: int = 7) -> list[tuple[str, str, str, str]]:
    """(customer, YYYY-MM, amount, segment) rows: customers join at random, skip months, spend more or
    less, and leave; every month has some of each."""
    rng = random.Random(seed)
    start = parse_month_label(first)
    rows = []
    for number in range(customers):
        joins = rng.randint(0, max(months // 2, 1))
        leaves = rng.randint(joins + 1, months + 3)
        segment = SEGMENTS[number % len(SEGMENTS)]
        for month in range(start + joins, start + min(leaves, months)):
            if rng.random() < 0.85:
                amount = f"{rng.randint(40, 900)}.{rng.randint(0, 99):02d}"
                rows.append((f"C{number:04d}", month_label(month), amount, segment))
    return rows


def load_customer_data(
    organization, *, first: str = "2023-01", months: int = 24, customers: int = 40, seed: int = 7
) -> Dataset:
    """Load generated activity for `organization`, raise the data version as an import does, and compute
    the movements."""
    load(organization, activity_rows(first=first, months=months, customers=customers, seed=seed))
    dataset, _ = Dataset.objects.get_or_create(organization=organization)
    dataset.version += 1
    dataset.save(update_fields=["version"])
    return compute_customer_movements(organization=organization)


def done_report(organization, month: str) -> Report:
    """The done report of `month` (YYYY-MM), its figures gathered from what is stored now."""
    number = parse_month_label(month)
    figures = build_report_figures(organization, number)
    now = timezone.now()
    return Report.objects.create(
        organization=organization,
        month=number,
        data_version=figures["data_version"],
        status=ReportStatus.DONE,
        progress=100,
        figures=figures,
        requested_at=now,
        started_at=now,
        computed_at=now,
    )
