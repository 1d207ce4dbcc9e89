from metrics.models import ImportKind

from .import_activity import Command as ImportActivityCommand


class Command(ImportActivityCommand):
    help = (
        "Import a CSV file of lost-customer reasons (customer_id, period, reason) into an organization, here and "
        "now rather than through the worker. By default the file replaces the reasons of every month it contains; "
        "--append adds it to them, a reason given again for a customer and month taking the old one's place."
    )
    kind = ImportKind.REASONS
