"""Every download of the portal is recorded: each route of the access table that answers an attachment
must leave one export event, so a new download view that forgets audited_download fails here."""

import pytest

from assessments.services import invite_to_round
from cco_portal.audit.models import Action, AuditEvent
from tests.test_access_matrix import ACCESS, _request, objects, organization_url  # noqa: F401 (objects is a fixture)

pytestmark = pytest.mark.django_db

DOWNLOADS = {
    "assessments:results_csv",
    "roadmap:milestones_csv",
    "metrics:customers_csv",
    "reports:pdf",
    "reports:csv",
    "reports:meeting_ics",
    "api-meeting-calendar",
    "audit:csv",
}
GET_ROUTES = sorted(name for name, method in ACCESS if method == "get")


@pytest.mark.parametrize("name", GET_ROUTES)
def test_a_route_that_answers_a_file_records_the_download(client, organization, objects, admin_user, name):  # noqa: F811
    """An admin may use every route; whatever comes back as an attachment is recorded with who and where."""
    # given
    access = ACCESS[(name, "get")]
    if access.invited:
        invite_to_round(round_=objects["round"], invitees=[admin_user])
    client.force_login(admin_user)
    AuditEvent.objects.all().delete()

    # when
    response = _request(
        client, "get", organization_url(name, organization, objects), access.body(organization), name.startswith("api-")
    )

    # then
    is_download = response.get("Content-Disposition", "").startswith("attachment")
    recorded = list(AuditEvent.objects.filter(action=Action.EXPORT_DOWNLOADED))
    assert is_download == (name in DOWNLOADS)
    assert len(recorded) == (1 if is_download else 0)
    if is_download:
        event = recorded[0]
        assert (event.actor, event.organization, event.ip_address) == (admin_user, organization, "127.0.0.1")
        assert event.details["file"] in response["Content-Disposition"]
