"""The demo admin's second factor: admins must have one, so the demo gives Alex Admin an authenticator whose
key is printed with the demo's sign-ins, and ten recovery codes that running seed_demo again renews. A demo's
key is public by design; a real account's never is."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cco_portal.organizations.models import Organization
from cco_portal.organizations.roles import Role

from .qr import readable_secret

# Twenty bytes, as django-otp makes them, fixed so that an app set up once keeps working after a new seed.
DEMO_KEY = b"cco-portal-demo-key!".hex()
DEMO_RECOVERY_CODES = [f"demo-code-{number}" for number in range(1, 11)]

User = get_user_model()


@transaction.atomic
def seed_demo(*, organization: Organization, people: dict) -> None:
    admin = people[Role.ADMIN]
    TOTPDevice.objects.filter(user=admin).exclude(key=DEMO_KEY).delete()
    TOTPDevice.objects.get_or_create(
        user=admin, key=DEMO_KEY, defaults={"name": "Demo authenticator", "confirmed": True}
    )
    StaticDevice.objects.filter(user=admin).delete()
    recovery = StaticDevice.objects.create(user=admin, name="Recovery codes", confirmed=True)
    StaticToken.objects.bulk_create(
        [StaticToken(device=recovery, token=code.replace("-", "")) for code in DEMO_RECOVERY_CODES]
    )


def sign_in_notes(*, people: dict) -> list[str]:
    """What seed_demo prints after the sign-ins: how the demo admin gives the second factor."""
    device = TOTPDevice.objects.get(user=people[Role.ADMIN], key=DEMO_KEY)
    return [
        f"{people[Role.ADMIN].email} then gives a second factor, as every admin must: add the key",
        f"  {readable_secret(device)}",
        "  to an authenticator app (time-based, 6 digits), or enter a recovery code, each once:",
        f"  {', '.join(DEMO_RECOVERY_CODES)} (seed_demo again renews them).",
    ]
