"""Import files made in the tests, the imports run in-process, and what they should store."""

import csv
import io
import random
from collections import defaultdict
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from metrics import services
from metrics.models import REVENUE_SCALE, CustomerActivity, ImportKind, ImportMode, LostReason
from metrics.months import month_label

ACTIVITY_HEADER = ("customer_id", "period", "revenue", "segment")
REASONS_HEADER = ("customer_id", "period", "reason")


def csv_bytes(rows, header=ACTIVITY_HEADER) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode()


def run(organization, content: bytes, *, kind=ImportKind.ACTIVITY, mode=ImportMode.REPLACE, name="activity.csv"):
    """Store and run an import here and now, as the management commands do; returns it finished."""
    activity_import = services.start_import(
        organization=organization,
        uploaded_file=SimpleUploadedFile(name, content, content_type="text/csv"),
        kind=kind,
        mode=mode,
        run_later=False,
    )
    return services.run_import(activity_import=activity_import)


def stored_activity(organization) -> dict:
    """{(customer key, YYYY-MM): (revenue in ten-thousandths, segment)} as stored."""
    rows = CustomerActivity.objects.for_organization(organization).values_list(
        "customer__external_id", "month", "revenue", "segment"
    )
    return {(key, month_label(month)): (revenue, segment) for key, month, revenue, segment in rows}


def stored_reasons(organization) -> dict:
    rows = LostReason.objects.for_organization(organization).values_list("customer__external_id", "month", "reason")
    return {(key, month_label(month)): reason for key, month, reason in rows}


def stored_segments(organization) -> dict:
    return dict(organization.customers.values_list("external_id", "segment"))


def expected_activity(rows) -> tuple[dict, dict]:
    """What an import of (key, YYYY-MM or YYYY-MM-DD, amount, segment) rows should store: revenue of a
    customer and month added up with its last non-empty segment, and each customer in the segment of
    its latest month. Values are taken as written, trimmed."""
    revenue, segment = defaultdict(int), defaultdict(str)
    for key, period, amount, label in rows:
        cell = (key.strip(), period.strip()[:7])
        revenue[cell] += int(Decimal(amount.strip()) * REVENUE_SCALE)
        if label.strip():
            segment[cell] = label.strip()
    activity = {cell: (units, segment[cell]) for cell, units in revenue.items()}
    latest = {}
    for key, month in activity:
        latest[key] = max(latest.get(key, month), month)
    return activity, {key: activity[(key, month)][1] for key, month in latest.items()}


def generated_rows(count: int, seed: int = 5) -> list[tuple[str, str, str, str]]:
    """Rows with what real files hold: several rows per customer and month, refunds, dates for periods,
    segments now and then empty or changing, and keys with commas, quotes, backslashes and accents (which
    COPY must escape). Tabs and line breaks are refused in keys and labels (test_import_files.py)."""
    chooser = random.Random(seed)
    keys = [f"C{n:04d}" for n in range(count // 6)] + [
        "a,b",
        'say "hi"',
        "back\\slash",
        "Zoë",
    ]
    rows = []
    for _ in range(count):
        month = chooser.randrange(1, 13)
        period = f"2023-{month:02d}" if chooser.random() < 0.7 else f"2023-{month:02d}-{chooser.randrange(1, 29):02d}"
        amount = f"{chooser.randrange(-2000, 50000) / 100:.2f}" if chooser.random() < 0.9 else f"{chooser.randrange(9)}"
        segment = chooser.choice(["North", "South", "", "East \\ West", "Zürich"])
        rows.append((chooser.choice(keys), period, amount, segment))
    return rows
