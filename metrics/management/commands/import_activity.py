from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from cco_portal.organizations.models import Organization
from metrics import services
from metrics.imports import Problem
from metrics.models import ImportKind, ImportMode, ImportStatus

# Problems printed for a rejected file; the import keeps the first thousand.
SHOWN_PROBLEMS = 20


class Command(BaseCommand):
    help = (
        "Import a CSV file of customer activity (customer_id, period, revenue[, segment]) into an organization, "
        "here and now rather than through the worker. By default the file replaces the organization's data "
        "for every month it contains; --append adds it to what is there."
    )
    kind = ImportKind.ACTIVITY

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the organization's short name, e.g. acme")
        parser.add_argument("file", type=Path, help="the CSV file, UTF-8 with a header row")
        parser.add_argument("--append", action="store_true", help="add to the data instead of replacing its months")

    def handle(self, *args, slug, file, append, **options):
        try:
            organization = Organization.objects.get(slug=slug)
        except Organization.DoesNotExist:
            raise CommandError(f"No organization with the slug {slug!r}.") from None
        if not file.is_file():
            raise CommandError(f"No file at {file}.")
        with file.open("rb") as source:
            try:
                activity_import = services.start_import(
                    organization=organization,
                    uploaded_file=File(source, name=file.name),
                    kind=self.kind,
                    mode=ImportMode.APPEND if append else ImportMode.REPLACE,
                    run_later=False,
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Importing {file.name} ({activity_import.file_size:,} bytes) into {organization.name} …")
        activity_import = services.run_import(
            activity_import=activity_import, on_progress=lambda rows: self.stdout.write(f"  {rows:,} rows read")
        )
        if activity_import.status != ImportStatus.SUCCEEDED:
            for problem in activity_import.errors[:SHOWN_PROBLEMS]:
                self.stderr.write(str(Problem(**problem)))
            more = activity_import.error_count - min(SHOWN_PROBLEMS, len(activity_import.errors))
            if more > 0:
                self.stderr.write(f"… and {more:,} more.")
            problems = "problem" if activity_import.error_count == 1 else "problems"
            raise CommandError(
                f"The file was rejected ({activity_import.error_count:,} {problems}); nothing was changed."
            )
        months, rows = activity_import.months, activity_import.rows_total
        span = months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {rows:,} {'row' if rows == 1 else 'rows'} of {len(months)} "
                f"{'month' if len(months) == 1 else 'months'} ({span}) "
                f"in {activity_import.duration.total_seconds():.1f} s."
            )
        )
