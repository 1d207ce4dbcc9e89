from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cco_portal.organizations import services


class Command(BaseCommand):
    help = "Create an organization. Add its first admin with add_member."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="short name used in addresses, e.g. acme")
        parser.add_argument("name", help="the company's name, e.g. 'Acme Outfitters'")

    def handle(self, *args, slug, name, **options):
        try:
            organization = services.create_organization(name=name, slug=slug)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Created {organization.name} at /o/{organization.slug}/"))
