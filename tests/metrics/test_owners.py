"""Executives own figures: a named segment, or one figure of the bridge. The owner sees them first on their
overview, the report names them beside their figures; only executives own, only the CCO and admins assign."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cco_portal.organizations.roles import Role
from cco_portal.organizations.waiting import waiting_for
from metrics.owners import selectors, services
from reports import services as report_services
from tests.reports.conftest import LAST_MONTH, load_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(organization, member_of):
    load_history(organization)
    return {
        "cco": member_of(Role.CCO),
        "ann": member_of(Role.EXECUTIVE, full_name="Ann Archer"),
        "lee": member_of(Role.LEADERSHIP, full_name="Lee Leader"),
    }


def test_the_cco_gives_figures_to_an_executive_and_takes_them_back(client, organization, people):
    client.force_login(people["cco"])
    owners_page = reverse("metrics:owners", kwargs={"org_slug": organization.slug})

    client.post(owners_page, {"segment": "North", "owner": people["ann"].pk})
    client.post(owners_page, {"figure": "lost", "owner": people["ann"].pk})
    refused = client.post(owners_page, {"figure": "new", "owner": people["lee"].pk}, follow=True)

    owners = selectors.figure_owners(organization)
    assert (owners.segments, owners.figures) == ({"North": people["ann"]}, {"lost": people["ann"]})
    assert "Only an executive of the organization can own figures." in refused.content.decode()

    client.post(owners_page, {"figure": "lost", "owner": ""})
    assert selectors.figure_owners(organization).figures == {}


def test_an_owner_sees_their_figures_first(organization, people):
    """Ann owns North and the lost customers: her overview leads with them, as of the last month (April 2024:
    North ends with Ann alone; Bob and Dee were lost)."""
    services.set_figure_owner(organization=organization, owner_id=people["ann"].pk, segment="North")
    services.set_figure_owner(organization=organization, owner_id=people["ann"].pk, figure="lost")

    waiting = waiting_for(organization, people["ann"])

    assert [item.title for item in waiting[:2]] == ["Your segment North", "Your figure: Lost"]
    assert waiting[0].note == "1 active customer at the end of April 2024, worth 90.00."
    assert waiting[1].note == "2 customers in April 2024, a value change of -90.50."
    assert not any(item.is_own_figure for item in waiting_for(organization, people["lee"]))


def test_the_report_names_the_owners_beside_their_figures(client, organization, people):
    services.set_figure_owner(organization=organization, owner_id=people["ann"].pk, segment="North")
    services.set_figure_owner(organization=organization, owner_id=people["ann"].pk, figure="lost")
    report_services.compute_report(organization=organization, month=LAST_MONTH, notify=False)
    client.force_login(people["lee"])

    html = client.get(reverse("reports:dashboard", kwargs={"org_slug": organization.slug, "month": "2024-04"}))

    assert html.content.decode().count("owner: Ann Archer") == 2


def test_a_segment_the_data_lacks_or_both_named_is_refused(organization, people):
    with pytest.raises(ValidationError, match="no segment"):
        services.set_figure_owner(organization=organization, owner_id=people["ann"].pk, segment="Mars")
    with pytest.raises(ValidationError, match="not both"):
        services.set_figure_owner(organization=organization, owner_id=people["ann"].pk, segment="North", figure="lost")


def test_the_api_lists_and_assigns_owners(api_client, organization, people):
    api_client.force_authenticate(people["cco"])
    path = reverse("api-figure-owners", kwargs={"org_slug": organization.slug})

    given = api_client.put(path, {"figure": "new", "owner": people["ann"].pk}, format="json")
    refused = api_client.put(path, {"figure": "new", "owner": people["lee"].pk}, format="json")

    assert [(row["figure"], row["owner_name"]) for row in given.data] == [("new", "Ann Archer")]
    assert (refused.status_code, list(refused.data)) == (400, ["owner"])
    assert api_client.put(path, {"figure": "new", "owner": None}, format="json").data == []
