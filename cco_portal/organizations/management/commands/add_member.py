from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cco_portal.organizations import services
from cco_portal.organizations.models import Organization
from cco_portal.organizations.roles import Role

User = get_user_model()


class Command(BaseCommand):
    help = (
        "Give a person a role in an organization. A new account is created when --password is given; "
        "without it, a person with no account is sent an invitation instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("email")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--password", help="password of the account, created if it does not exist")
        parser.add_argument("--name", default="", help="full name of a new account")

    @transaction.atomic
    def handle(self, *args, slug, email, role, password, name, **options):
        try:
            organization = Organization.objects.get(slug=slug)
        except Organization.DoesNotExist:
            raise CommandError(f"No organization with the slug {slug!r}; create it with create_org.") from None
        user = User.objects.filter(email__iexact=email).first()
        try:
            if user is None and not password:
                services.invite_member(organization=organization, email=email, role=role, invited_by=None)
                self.stdout.write(self.style.SUCCESS(f"{email} has no account: invitation sent as {role}."))
                return
            if user is None:
                user = User.objects.create_user(email, password, full_name=name)
            elif password:
                user.set_password(password)
                user.save(update_fields=["password"])
            services.add_member(organization=organization, user=user, role=role)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"{user.email} is {role} in {organization.name}."))
