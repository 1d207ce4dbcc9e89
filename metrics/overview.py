"""What waits for a leader in the metrics: the customer-asset charter version they have yet to sign."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cco_portal.organizations.waiting import Waiting

from .charter import selectors as charter


def waiting_for(organization, user) -> list[Waiting]:
    version = charter.awaiting_signature_of(organization, user)
    if version is None:
        return []
    return [
        Waiting(
            title=_("Sign the customer-asset charter, version %(version)s") % {"version": version.version},
            note=_("Agree or object to the definitions behind the customer-asset figures."),
            url=reverse("metrics:charter", kwargs={"org_slug": organization.slug}),
        )
    ]
