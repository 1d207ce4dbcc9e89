from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cco_portal.organizations.models import Organization
from metrics.computation import change_activity_window


class Command(BaseCommand):
    help = (
        "Show an organization's metrics settings, or change its activity window: how many months of revenue "
        "make a customer active. A new window recomputes the movements once it is saved (in this process "
        "when no Celery broker is configured, otherwise on a worker)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the organization's short name, e.g. acme")
        parser.add_argument("--activity-window", type=int, metavar="MONTHS", help="the new window, 1 to 36 months")

    def handle(self, *args, slug, activity_window, **options):
        try:
            organization = Organization.objects.get(slug=slug)
        except Organization.DoesNotExist:
            raise CommandError(f"No organization with the slug {slug!r}.") from None
        old = organization.activity_window
        if activity_window is None:
            self.stdout.write(f"{organization.name}: activity window {old} month(s).")
            return
        try:
            change_activity_window(organization=organization, months=activity_window)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        if activity_window == old:
            self.stdout.write(f"{organization.name}: activity window stays at {old} month(s); nothing to recompute.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{organization.name}: activity window changed from {old} to {activity_window} month(s); "
                "the movements are recomputed with it."
            )
        )
