"""The listening path in the API: the path with its gaps, sources added by the CCO, reports recorded by a
source's owner, and data sources attached to stages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cco_portal.organizations.roles import Role
from metrics.feeds import feed_key
from roadmap.journey.services import add_stage
from roadmap.listening import services
from tests.metrics.factories import DataSourceFactory

pytestmark = pytest.mark.django_db


def url(organization, name, **kwargs):
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


@pytest.fixture
def stages(organization, cco_user):
    return [add_stage(organization=organization, name=name, changed_by=cco_user) for name in ("Buy", "Use")]


def test_the_path_answers_each_stage_with_its_sources_and_the_gaps(
    api_client, organization, cco_user, executive_user, stages
):
    """Given a weekly survey at "Buy" last reported 8 days ago and nothing at "Use", the path lists the survey
    under "Buy" as silent, and the gaps are "Use" unheard, then the silent survey."""
    source = services.add_source(
        organization=organization,
        added_by=cco_user,
        name="Checkout survey",
        kind="survey",
        cadence_days=7,
        stages=[stages[0]],
        owner=executive_user,
    )
    services.record_report(
        source=source, recorded_by=cco_user, roles={Role.CCO}, reported_on=timezone.localdate() - timedelta(days=8)
    )
    api_client.force_authenticate(executive_user)

    body = api_client.get(url(organization, "api-listening")).json()

    assert [(stage["name"], [s["name"] for s in stage["sources"]]) for stage in body["stages"]] == [
        ("Buy", ["Checkout survey"]),
        ("Use", []),
    ]
    assert body["stages"][0]["sources"][0]["silent"] is True
    assert [(gap["kind"], gap["stage"]) for gap in body["gaps"]] == [("unheard", stages[1].pk), ("silent", None)]
    assert body["gaps"][1]["source"]["owner"] == executive_user.pk


def test_the_cco_adds_a_source_and_its_owner_reports_it(
    api_client, organization, cco_user, executive_user, member_of, stages
):
    """The CCO adds a quarterly source owned by an executive; the executive records its report; another
    executive is refused with 403."""
    api_client.force_authenticate(cco_user)
    created = api_client.post(
        url(organization, "api-listening-source-list"),
        {
            "name": "Delivery delays",
            "kind": "operational",
            "cadence_days": 92,
            "stages": [stages[1].pk],
            "owner": executive_user.pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    source_id = created.json()["id"]

    api_client.force_authenticate(executive_user)
    reported = api_client.post(
        url(organization, "api-listening-source-reports", listening_source_id=source_id),
        {"reported_on": timezone.localdate().isoformat(), "note": "2% late", "link": "https://example.com/q"},
        format="json",
    )
    assert reported.status_code == 201, reported.content
    detail = api_client.get(url(organization, "api-listening-source-detail", listening_source_id=source_id)).json()
    assert detail["last_reported_on"] == timezone.localdate().isoformat()

    api_client.force_authenticate(member_of(Role.EXECUTIVE))
    refused = api_client.post(
        url(organization, "api-listening-source-reports", listening_source_id=source_id),
        {"reported_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert refused.status_code == 403


def test_a_report_of_a_day_to_come_is_refused_on_its_field(api_client, organization, cco_user, stages):
    """A report dated tomorrow is a 400 naming reported_on."""
    source = services.add_source(
        organization=organization, added_by=cco_user, name="NPS", kind="survey", cadence_days=31
    )
    api_client.force_authenticate(cco_user)
    refused = api_client.post(
        url(organization, "api-listening-source-reports", listening_source_id=source.pk),
        {"reported_on": (timezone.localdate() + timedelta(days=1)).isoformat()},
        format="json",
    )
    assert refused.status_code == 400
    assert "reported_on" in refused.json()


def test_a_data_source_is_attached_and_shows_at_its_stage(api_client, organization, cco_user, stages):
    """The CCO attaches a data source to "Use": the path lists it there as behavioural data named by its key;
    an unknown key is refused."""
    data_source = DataSourceFactory(organization=organization, name="App events")
    api_client.force_authenticate(cco_user)
    attached = api_client.post(
        url(organization, "api-listening-feed-list"),
        {"stage": stages[1].pk, "feed_key": feed_key(data_source.pk)},
        format="json",
    )
    assert attached.status_code == 201, attached.content
    (heard,) = api_client.get(url(organization, "api-listening")).json()["stages"][1]["sources"]
    assert (heard["name"], heard["kind"], heard["feed_key"]) == (
        "App events",
        "behavioural",
        feed_key(data_source.pk),
    )
    unknown = api_client.post(
        url(organization, "api-listening-feed-list"),
        {"stage": stages[0].pk, "feed_key": "data-source-987654"},
        format="json",
    )
    assert unknown.status_code == 400
    assert "feed_key" in unknown.json()
