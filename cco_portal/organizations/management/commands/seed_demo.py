from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from cco_portal.organizations import services
from cco_portal.organizations.models import Organization
from cco_portal.organizations.roles import Role

User = get_user_model()

DEMO_PASSWORD = "demo-portal-2026"
DEMO_ORGANIZATION = ("demo", "Acme Outfitters")
SECOND_ORGANIZATION = ("northwind", "Northwind Traders")
DEMO_PEOPLE = [
    ("admin@demo.example", "Alex Admin", Role.ADMIN),
    ("cco@demo.example", "Casey Customer", Role.CCO),
    ("exec@demo.example", "Emery Executive", Role.EXECUTIVE),
    ("leader@demo.example", "Lee Leadership", Role.LEADERSHIP),
]


class Command(BaseCommand):
    help = (
        "Create (or refresh) a demo organization with one user per role, and print how to sign in. "
        "Each app that has a `demo` module adds its sample data through that module's seed_demo()."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        organization = self.organization(*DEMO_ORGANIZATION)
        second = self.organization(*SECOND_ORGANIZATION)
        for email, full_name, role in DEMO_PEOPLE:
            user = User.objects.filter(email__iexact=email).first() or User.objects.create_user(
                email, DEMO_PASSWORD, full_name=full_name
            )
            services.add_member(organization=organization, user=user, role=role)
        # The CCO also sits on a second company's leadership team, so the organization switcher has a use.
        cco = User.objects.get(email="cco@demo.example")
        services.add_member(organization=second, user=cco, role=Role.LEADERSHIP)
        services.add_member(organization=second, user=User.objects.get(email="admin@demo.example"), role=Role.ADMIN)

        people = {role: User.objects.get(email=email) for email, _, role in DEMO_PEOPLE}
        # The base knows no feature app: each one that has sample data offers it in its own `demo` module, and
        # one that changes how the demo people sign in says how in its sign_in_notes().
        demos = [
            import_module(f"{app.name}.demo")
            for app in apps.get_app_configs()
            if find_spec(f"{app.name}.demo") is not None
        ]
        for demo in demos:
            demo.seed_demo(organization=organization, people=people)

        self.stdout.write(
            self.style.SUCCESS(f"Demo organization {organization.name} is ready at /o/{organization.slug}/")
        )
        self.stdout.write(f"Sign in at http://127.0.0.1:8000/accounts/login/ with password {DEMO_PASSWORD!r} as:")
        for email, _, role in DEMO_PEOPLE:
            self.stdout.write(f"  {role.label:<24} {email}")
        for demo in demos:
            for line in getattr(demo, "sign_in_notes", lambda **_: [])(people=people):
                self.stdout.write(line)

    def organization(self, slug: str, name: str) -> Organization:
        return Organization.objects.filter(slug=slug).first() or services.create_organization(name=name, slug=slug)
