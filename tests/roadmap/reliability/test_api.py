"""The reliability log and the moments of truth in the API: the same services as the pages, the same roles."""

import pytest
from django.urls import reverse

from cco_portal.organizations.roles import Role
from roadmap.journey import services as journey
from roadmap.reliability import services
from tests.roadmap.factories import MilestoneFactory, OperationalAreaFactory

pytestmark = pytest.mark.django_db


def api(organization, name, **kwargs):
    return reverse(f"api-reliability-{name}", kwargs={"org_slug": organization.slug, **kwargs})


@pytest.fixture
def delivery(organization, cco_user):
    area = OperationalAreaFactory(organization=organization, name="Operations")
    stage = journey.add_stage(organization=organization, name="Get started", changed_by=cco_user)
    return journey.add_touchpoint(
        organization=organization, stage=stage, name="Delivery", area=area, changed_by=cco_user
    )


def test_an_issue_is_filed_counted_resolved_and_recurs_through_the_api(api_client, organization, cco_user, delivery):
    """Given a touchpoint, when the CCO files an issue, counts a month, resolves it and records a recurrence,
    then the issue answers open, recurred once, with its month and its history in order."""
    api_client.force_authenticate(cco_user)
    created = api_client.post(api(organization, "issue-list"), {"title": "Late", "touchpoint": delivery.pk})
    assert created.status_code == 201, created.content
    issue_id = created.json()["id"]
    assert created.json()["area_name"] == "Operations"
    counted = api_client.post(
        api(organization, "issue-occurrences", issue_id=issue_id), {"month": "2026-02", "count": 9}
    )
    assert counted.json()["occurrences"] == [
        {
            "month": "2026-02",
            "count": 9,
            "recorded_by": cco_user.pk,
            "recorded_at": counted.json()["occurrences"][0]["recorded_at"],
        }
    ]
    refused = api_client.post(api(organization, "issue-status", issue_id=issue_id), {"status": "resolved"})
    assert refused.status_code == 400
    assert "note" in refused.json()
    api_client.post(api(organization, "issue-status", issue_id=issue_id), {"status": "resolved", "note": "New carrier"})
    body = api_client.post(api(organization, "issue-recurrence", issue_id=issue_id), {"note": "Back"}).json()
    assert (body["status"], body["recurrences"]) == ("open", 1)
    assert [(e["kind"], e["to_status"]) for e in body["history"]] == [
        ("reported", "open"),
        ("occurrences", ""),
        ("status", "resolved"),
        ("recurred", "open"),
    ]


def test_the_list_filters_by_status_and_touchpoint(api_client, organization, cco_user, delivery, leadership_user):
    """Given an issue at Delivery and a resolved one elsewhere, when a reader filters, each filter keeps its own."""
    at_delivery = services.report_issue(
        organization=organization, title="Late", touchpoint=delivery, reported_by=cco_user
    )
    other = services.report_issue(organization=organization, title="Billed twice", reported_by=cco_user)
    services.change_status(issue=other, status="resolved", changed_by=cco_user, roles={Role.CCO}, note="Batch fixed")
    api_client.force_authenticate(leadership_user)

    def ids(**params):
        return [item["id"] for item in api_client.get(api(organization, "issue-list"), params).json()["results"]]

    assert ids(status="resolved") == [other.pk]
    assert ids(touchpoint=delivery.pk) == [at_delivery.pk]
    assert set(ids(status="nonsense")) == {other.pk, at_delivery.pk}


def test_only_the_areas_leader_besides_the_cco_updates_an_issue(
    api_client, organization, cco_user, delivery, executive_user, leadership_user
):
    """Given an issue of an area led by an executive, when that leader patches the root cause it is saved, and
    patching the title is refused; a leadership member's patch is refused with 403."""
    delivery.area.leader = executive_user
    delivery.area.save()
    issue = services.report_issue(organization=organization, title="Late", touchpoint=delivery, reported_by=cco_user)
    api_client.force_authenticate(executive_user)
    url = api(organization, "issue-detail", issue_id=issue.pk)
    assert (
        api_client.patch(url, {"root_cause": "No floor in addresses"}).json()["root_cause"] == "No floor in addresses"
    )
    assert api_client.patch(url, {"title": "Other"}).status_code == 400
    api_client.force_authenticate(leadership_user)
    assert api_client.patch(url, {"root_cause": "Mine"}).status_code == 403


def test_a_moment_of_truth_lists_its_linked_milestones(api_client, organization, cco_user, delivery):
    """Given a milestone, when the CCO chooses Delivery as a moment and links the milestone, then the moment
    answers with it; choosing Delivery again is refused."""
    milestone = MilestoneFactory(organization=organization, title="Track every parcel")
    api_client.force_authenticate(cco_user)
    created = api_client.post(
        api(organization, "moment-list"), {"touchpoint": delivery.pk, "intended_experience": "On the day promised"}
    )
    assert created.status_code == 201, created.content
    linked = api_client.post(
        api(organization, "moment-link", moment_id=created.json()["id"]), {"milestone": milestone.pk}
    )
    assert [m["title"] for m in linked.json()["milestones"]] == ["Track every parcel"]
    again = api_client.post(api(organization, "moment-list"), {"touchpoint": delivery.pk, "intended_experience": "x"})
    assert again.status_code == 400
    assert "touchpoint" in again.json()
