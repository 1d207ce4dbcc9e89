import csv
import io
import json

from django.core.management.base import BaseCommand, CommandError

from cco_portal.organizations.models import Organization
from metrics.models import ALL_SEGMENTS, Movement
from metrics.months import parse_month_label
from metrics.selectors import movement_table

COLUMNS = ["month", "active", "value"] + [f"{name}_{part}" for name in Movement.values for part in ("count", "value")]


def _text(value) -> str:
    # Fixed-point, as the API writes amounts: never 1E+2 or a float.
    return str(value) if isinstance(value, str | int) else f"{value:f}"


def _flat(row: dict) -> dict:
    """One table row as CSV columns: each class's count and value side by side."""
    flat = {"month": row["month"], "active": row["active"], "value": row["value"]}
    for name in Movement.values:
        flat[f"{name}_count"], flat[f"{name}_value"] = row[name]["count"], row[name]["value"]
    return {column: _text(value) for column, value in flat.items()}


class Command(BaseCommand):
    help = (
        "Print an organization's customer-asset movements month by month, the same table as "
        "GET /api/v1/orgs/<slug>/movements/: CSV with a header row, or JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the organization's short name, e.g. acme")
        parser.add_argument(
            "--from", dest="first", metavar="YYYY-MM", help="first month (default: the first with data)"
        )
        parser.add_argument("--to", dest="last", metavar="YYYY-MM", help="last month (default: the last with data)")
        parser.add_argument(
            "--segment", help="only the customers of this segment; an empty value means those without one"
        )
        parser.add_argument("--format", dest="output_format", choices=["csv", "json"], default="csv")

    def handle(self, *args, slug, first, last, segment, output_format, **options):
        try:
            organization = Organization.objects.get(slug=slug)
        except Organization.DoesNotExist:
            raise CommandError(f"No organization with the slug {slug!r}.") from None
        first, last = self.month("--from", first), self.month("--to", last)
        if first is not None and last is not None and first > last:
            raise CommandError("--to comes before --from.")
        table = movement_table(
            organization, segment=ALL_SEGMENTS if segment is None else segment, first=first, last=last
        )
        if output_format == "json":
            self.stdout.write(json.dumps(table, default=_text, indent=2))
            return
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(_flat(row) for row in table)
        self.stdout.write(out.getvalue(), ending="")

    def month(self, option: str, label: str | None) -> int | None:
        if label is None:
            return None
        try:
            return parse_month_label(label)
        except ValueError:
            raise CommandError(f"{option}: {label!r} is not a month; write it as YYYY-MM, e.g. 2024-03.") from None
