from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cco_portal.organizations import services
from cco_portal.organizations.models import Membership, Organization
from cco_portal.organizations.roles import Role

User = get_user_model()


class Command(BaseCommand):
    help = (
        "Give a member a role in an organization. Anyone else is sent an invitation, which they accept to join; "
        "only for an address with no account yet, --password creates the account and the membership at once "
        "(the first admin of a new installation)."
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
        is_member = user is not None and Membership.objects.filter(organization=organization, user=user).exists()
        try:
            if user is not None and not is_member:
                # Joining takes the person's consent, whoever runs this: they accept an invitation.
                if password:
                    raise CommandError(
                        f"{email} has an account already; its password is its owner's. Run this again without "
                        "--password to send an invitation."
                    )
                services.invite_member(organization=organization, email=email, role=role, invited_by=None)
                self.stdout.write(self.style.SUCCESS(f"{email} is not a member: invitation sent as {role}."))
                return
            if user is None and not password:
                services.invite_member(organization=organization, email=email, role=role, invited_by=None)
                self.stdout.write(self.style.SUCCESS(f"{email} has no account: invitation sent as {role}."))
                return
            if user is None:
                user = User.objects.create_user(email, password, full_name=name)
            elif password:
                self.stdout.write(f"{email} is a member already; the password stays its owner's, unchanged.")
            services.add_member(organization=organization, user=user, role=role)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"{user.email} is {role} in {organization.name}."))
