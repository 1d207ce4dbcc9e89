from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cco_portal.organizations.models import Organization
from metrics.models import ImportKind, ImportMode
from metrics.sources import services
from metrics.sources.models import SourceKind


def mapping_argument(value: str) -> tuple[str, str]:
    file_column, sign, column = value.partition("=")
    if not sign or not file_column.strip():
        raise ValueError(value)
    return file_column.strip(), column.strip()


class Command(BaseCommand):
    help = (
        "Register a data source of an organization: an SQL query on a PostgreSQL or MySQL/MariaDB database, or a "
        "CSV file at an https:// address. A password in the URL is stored encrypted and never shown."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the organization's short name, e.g. acme")
        parser.add_argument("name", help="the source's name, unique in the organization")
        parser.add_argument("--kind", required=True, choices=SourceKind.values)
        parser.add_argument("--target", required=True, choices=ImportKind.values, help="what each pull imports")
        parser.add_argument("--url", required=True, help="postgres://…, mysql://… or https://…/file.csv")
        parser.add_argument("--query", default="", help="SQL sources: the SELECT that reads the rows")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            type=mapping_argument,
            metavar="FILECOL=COLUMN",
            help="rename a source column to an import column (empty COLUMN leaves it out); repeat as needed",
        )
        parser.add_argument("--schedule", default="", help='a crontab, e.g. "0 6 * * *"; empty: on demand only')
        parser.add_argument("--append", action="store_true", help="each pull adds to the data instead of replacing")

    def handle(self, *args, slug, name, kind, target, url, query, map, schedule, append, **options):
        try:
            organization = Organization.objects.get(slug=slug)
        except Organization.DoesNotExist:
            raise CommandError(f"No organization with the slug {slug!r}.") from None
        try:
            source = services.create_data_source(
                organization=organization,
                name=name,
                kind=kind,
                target=target,
                url=url,
                query=query,
                column_map=dict(map),
                schedule=schedule,
                mode=ImportMode.APPEND if append else ImportMode.REPLACE,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Added the data source {source.name} ({source.display_url})."))
