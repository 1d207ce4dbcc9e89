"""Control characters in an address are refused at the edge with a 400, before any view or log sees them."""

import pytest

from cco_portal.audit.models import AuditEvent
from cco_portal.organizations.roles import Role


@pytest.mark.parametrize("query", ["month=2024-01%00", "figure=%00", "segment=North%0Aevil", "page=1%09"])
def test_a_control_character_in_the_query_is_a_400_and_nothing_is_recorded(client, organization, member_of, query):
    """A NUL in a query parameter once made every audited download answer 500: the audit details cannot hold
    it. Now the request is refused with a 400 naming the problem, and no export is recorded."""
    client.force_login(member_of(Role.CCO))

    response = client.get(f"/o/{organization.slug}/metrics/customers.csv?{query}")

    assert response.status_code == 400
    assert "control character" in response.content.decode()
    assert not AuditEvent.objects.filter(action="export.downloaded").exists()


def test_a_control_character_in_the_path_is_a_400(client, organization, member_of):
    client.force_login(member_of(Role.CCO))

    assert client.get(f"/o/{organization.slug}/metrics/%00/").status_code == 400


def test_ordinary_addresses_pass(client, organization, member_of):
    client.force_login(member_of(Role.CCO))

    assert client.get(f"/o/{organization.slug}/metrics/customers/?segment=North+East&month=2024-01").status_code == 200
