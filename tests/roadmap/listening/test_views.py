"""The listening path pages: every member reads the path and its gaps; the CCO adds sources and attaches data
sources; a source's owner records its reports on the source's page, and nobody else below the CCO may."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cco_portal.organizations.roles import Role
from metrics.feeds import feed_key
from roadmap.journey.services import add_stage
from roadmap.listening import services
from roadmap.listening.models import ListeningSource, SourceReport, StageFeed
from tests.metrics.factories import DataSourceFactory

pytestmark = pytest.mark.django_db


def url(organization, name="listening", **kwargs):
    return reverse(f"roadmap:{name}", kwargs={"org_slug": organization.slug, **kwargs})


@pytest.fixture
def stage(organization, cco_user):
    return add_stage(organization=organization, name="Get help", changed_by=cco_user)


def test_an_empty_map_says_to_draw_the_stages_first(client, organization, leadership_user):
    """Without stages, the page says the path follows the map and links to it."""
    client.force_login(leadership_user)
    page = client.get(url(organization)).content.decode()
    assert "draw its stages first" in page
    assert url(organization, "journey") in page


def test_the_cco_adds_a_source_and_the_stage_is_no_longer_a_gap(client, organization, cco_user, executive_user, stage):
    """Given an unheard stage, when the CCO adds a monthly survey there owned by an executive, then the page lists
    it under the stage and the gap is gone."""
    client.force_login(cco_user)
    assert "Nobody listens to customers at “Get help”." in client.get(url(organization)).content.decode()

    response = client.post(
        url(organization, "listening_source_add"),
        {
            "name": "Support satisfaction",
            "kind": "survey",
            "stages": [stage.pk],
            "owner": executive_user.pk,
            "cadence": "31",
        },
    )

    assert response.status_code == 302
    source = ListeningSource.objects.get()
    assert (source.cadence_days, source.owner, list(source.stages.all())) == (31, executive_user, [stage])
    page = client.get(url(organization)).content.decode()
    assert "Support satisfaction" in page
    assert "Nobody listens to customers at" not in page


def test_every_few_days_needs_the_number_of_days(client, organization, cco_user, stage):
    """Choosing "every … days" without a number comes back with what to fix, and nothing is added."""
    client.force_login(cco_user)
    response = client.post(
        url(organization, "listening_source_add"), {"name": "Returns", "kind": "operational", "cadence": "other"}
    )
    assert response.status_code == 200
    assert "Say every how many days it reports" in response.content.decode()
    assert not ListeningSource.objects.exists()


def test_the_owner_records_a_report_and_another_executive_may_not(
    client, organization, cco_user, executive_user, member_of, stage
):
    """The owning executive sees the report form and records a report with a note; another executive sees no
    form, and their report is refused with 403."""
    source = services.add_source(
        organization=organization,
        added_by=cco_user,
        name="Returns",
        kind="operational",
        cadence_days=7,
        stages=[stage],
        owner=executive_user,
    )
    client.force_login(executive_user)
    assert (
        "Record a report"
        in client.get(url(organization, "listening_source", listening_source_id=source.pk)).content.decode()
    )
    response = client.post(
        url(organization, "listening_source_report", listening_source_id=source.pk),
        {"reported_on": timezone.localdate().isoformat(), "note": "Returns up 4% on late parcels"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Returns up 4% on late parcels" in page

    other = member_of(Role.EXECUTIVE)
    client.force_login(other)
    page = client.get(url(organization, "listening_source", listening_source_id=source.pk)).content.decode()
    assert "Record a report" not in page
    refused = client.post(
        url(organization, "listening_source_report", listening_source_id=source.pk),
        {"reported_on": timezone.localdate().isoformat()},
    )
    assert refused.status_code == 403
    assert SourceReport.objects.count() == 1


def test_a_silent_source_shows_as_a_gap_with_its_next_step(client, organization, cco_user, executive_user, stage):
    """A weekly source last reported eight days ago is a gap on the path and is marked silent on its page."""
    source = services.add_source(
        organization=organization,
        added_by=cco_user,
        name="Contact reasons",
        kind="operational",
        cadence_days=7,
        stages=[stage],
        owner=executive_user,
    )
    services.record_report(
        source=source, recorded_by=cco_user, roles={Role.CCO}, reported_on=timezone.localdate() - timedelta(days=8)
    )
    client.force_login(executive_user)
    page = client.get(url(organization)).content.decode()
    assert "“Contact reasons” has not reported since" in page
    assert f"{executive_user.display_name} records its next report" in page
    assert (
        "Silent: it has not reported since"
        in client.get(url(organization, "listening_source", listening_source_id=source.pk)).content.decode()
    )


def test_the_cco_attaches_and_detaches_a_data_source(client, organization, cco_user, stage):
    """The CCO attaches a customer-asset data source to a stage, which then lists it as behavioural data, and
    detaches it again."""
    data_source = DataSourceFactory(organization=organization, name="Shop orders")
    client.force_login(cco_user)
    response = client.post(
        url(organization, "listening_feed_add"), {"stage": stage.pk, "feed_key": feed_key(data_source.pk)}
    )
    assert response.status_code == 302
    page = client.get(url(organization)).content.decode()
    assert "Shop orders" in page
    assert "Behavioural data" in page

    attached = StageFeed.objects.get()
    client.post(url(organization, "listening_feed", stage_feed_id=attached.pk))
    assert not StageFeed.objects.exists()


def test_leadership_reads_without_forms(client, organization, cco_user, leadership_user, stage):
    """Leadership sees the path and its gaps, but no form to add or attach."""
    client.force_login(leadership_user)
    page = client.get(url(organization)).content.decode()
    assert "Gaps" in page
    assert "Add a source" not in page
    assert "Attach a data source" not in page
