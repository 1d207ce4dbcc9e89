from django.core.management.base import BaseCommand, CommandError

from cco_portal.organizations.models import Organization
from metrics.sources import services
from metrics.sources.fetchers import SourceError
from metrics.sources.models import DataSource, PullStatus


class Command(BaseCommand):
    help = (
        "Pull an organization's data source now, here rather than through the worker: an ordinary import, all or "
        "nothing. Exits non-zero with the reason when the pull fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the organization's short name, e.g. acme")
        parser.add_argument("name", help="the source's name")

    def handle(self, *args, slug, name, **options):
        try:
            organization = Organization.objects.get(slug=slug)
        except Organization.DoesNotExist:
            raise CommandError(f"No organization with the slug {slug!r}.") from None
        source = DataSource.objects.for_organization(organization).filter(name=name).first()
        if source is None:
            raise CommandError(f"{organization.name} has no data source named {name!r}.")
        self.stdout.write(f"Pulling {source.name} ({source.display_url}) …")
        try:
            pull = services.pull_data_source(source=source)
        except SourceError as error:
            raise CommandError(str(error)) from error
        if pull.status != PullStatus.SUCCEEDED:
            raise CommandError(pull.error)
        self.stdout.write(self.style.SUCCESS(f"Imported {pull.rows or 0:,} rows from {source.name}."))
