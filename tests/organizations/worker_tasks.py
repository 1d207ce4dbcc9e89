"""Tasks that only the tests send: the worker of the service suite loads this module (`--include`)."""

from celery import shared_task

from cco_portal.organizations.models import Membership, Organization
from cco_portal.organizations.querysets import UnscopedQueryError


@shared_task
def count_memberships_task(organization_id: int | None = None) -> str:
    """Count memberships, of one organization or (without an id) of all; the guard's message if it refuses."""
    memberships = Membership.objects.all()
    if organization_id is not None:
        memberships = memberships.for_organization(Organization.objects.get(pk=organization_id))
    try:
        return f"counted {memberships.count()}"
    except UnscopedQueryError as error:
        return str(error)
