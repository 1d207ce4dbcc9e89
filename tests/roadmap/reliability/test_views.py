"""The reliability pages: the log with its filters and recurrences, an issue's page with its history, and the
moments of truth with their milestones, for the roles that use them."""

import pytest
from django.urls import reverse

from cco_portal.organizations.roles import Role
from roadmap.journey import services as journey
from roadmap.reliability import services
from roadmap.reliability.models import IssueStatus, MomentOfTruth, ReliabilityIssue
from tests.roadmap.factories import MilestoneFactory, OperationalAreaFactory

pytestmark = pytest.mark.django_db

CCO = {Role.CCO}


def url(organization, name, **kwargs):
    return reverse(f"roadmap:{name}", kwargs={"org_slug": organization.slug, **kwargs})


@pytest.fixture
def delivery(organization, cco_user):
    area = OperationalAreaFactory(organization=organization, name="Operations")
    stage = journey.add_stage(organization=organization, name="Get started", changed_by=cco_user)
    return journey.add_touchpoint(
        organization=organization, stage=stage, name="Delivery", area=area, changed_by=cco_user
    )


def test_the_empty_log_says_what_to_do_next(client, organization, cco_user, leadership_user):
    """Given no issue, the CCO is told to file the first with the form, a leadership member who files them."""
    client.force_login(cco_user)
    assert "File the first issue" in client.get(url(organization, "reliability")).content.decode()
    client.force_login(leadership_user)
    page = client.get(url(organization, "reliability")).content.decode()
    assert "The Chief Customer Officer files the issues" in page
    assert "File the issue" not in page


def test_the_cco_files_an_issue_and_the_log_shows_its_recurrences(client, organization, cco_user, delivery):
    """Given a touchpoint, when the CCO files an issue there, resolves it and it recurs, then the log shows it
    at its touchpoint and area, open, recurred once."""
    client.force_login(cco_user)
    response = client.post(
        url(organization, "reliability"),
        {"title": "Parcels at the wrong door", "touchpoint": delivery.pk, "customers_touched": 40},
    )
    issue = ReliabilityIssue.objects.get()
    assert response.url == url(organization, "reliability_issue", issue_id=issue.pk)
    assert issue.area == delivery.area
    client.post(
        url(organization, "reliability_issue_status", issue_id=issue.pk), {"status": "resolved", "note": "Photos"}
    )
    client.post(url(organization, "reliability_issue_recurrence", issue_id=issue.pk), {"note": "Back on the 4th"})
    page = client.get(url(organization, "reliability")).content.decode()
    assert "Recurred 1 time" in page
    assert "Get started · Delivery" in page
    issue_page = client.get(url(organization, "reliability_issue", issue_id=issue.pk)).content.decode()
    assert "Back on the 4th" in issue_page
    assert "Resolved → Open" in issue_page


def test_a_refused_change_comes_back_with_what_to_fix(client, organization, cco_user, delivery):
    """Given an open issue, when the CCO resolves it without saying what fixed it, then the page says so and the
    issue stays open."""
    issue = services.report_issue(organization=organization, title="Late", touchpoint=delivery, reported_by=cco_user)
    client.force_login(cco_user)
    response = client.post(url(organization, "reliability_issue_status", issue_id=issue.pk), {"status": "resolved"})
    assert response.status_code == 200
    assert "Say what resolved it" in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.OPEN


def test_the_log_filters_by_status(client, organization, cco_user, delivery, leadership_user):
    """Given an open and a resolved issue, when a reader filters on resolved, then only the resolved one shows."""
    services.report_issue(organization=organization, title="Still late", reported_by=cco_user)
    done = services.report_issue(organization=organization, title="Billed twice", reported_by=cco_user)
    services.change_status(issue=done, status="resolved", changed_by=cco_user, roles=CCO, note="Fixed the batch")
    client.force_login(leadership_user)
    page = client.get(url(organization, "reliability"), {"status": "resolved"}).content.decode()
    assert "Billed twice" in page
    assert "Still late" not in page


def test_the_areas_leader_updates_their_issue_and_another_member_may_not(
    client, organization, cco_user, delivery, executive_user, leadership_user
):
    """Given an issue of Operations led by an executive, when the leader counts a month, then it is recorded; a
    leadership member's same request is refused (403) and their page shows no form."""
    delivery.area.leader = executive_user
    delivery.area.save()
    issue = services.report_issue(organization=organization, title="Late", touchpoint=delivery, reported_by=cco_user)
    client.force_login(executive_user)
    response = client.post(
        url(organization, "reliability_issue_occurrences", issue_id=issue.pk), {"month": "2026-01", "count": 5}
    )
    assert response.status_code == 302
    assert issue.occurrences.get().count == 5
    client.force_login(leadership_user)
    refused = client.post(
        url(organization, "reliability_issue_occurrences", issue_id=issue.pk), {"month": "2026-01", "count": 9}
    )
    assert refused.status_code == 403
    assert issue.occurrences.get().count == 5
    assert (
        "Record the count" not in client.get(url(organization, "reliability_issue", issue_id=issue.pk)).content.decode()
    )


def test_the_cco_chooses_a_moment_and_links_a_milestone(client, organization, cco_user, delivery):
    """Given a touchpoint and a milestone, when the CCO makes the touchpoint a moment of truth and links the
    milestone, then the page shows the intended experience and the milestone, and offers to create another."""
    milestone = MilestoneFactory(organization=organization, title="Track every parcel")
    client.force_login(cco_user)
    client.post(
        url(organization, "reliability_moments"),
        {"touchpoint": delivery.pk, "intended_experience": "On the day promised"},
    )
    moment = MomentOfTruth.objects.get()
    client.post(
        url(organization, "reliability_moment_link", moment_id=moment.pk), {f"link-{moment.pk}-milestone": milestone.pk}
    )
    page = client.get(url(organization, "reliability_moments")).content.decode()
    assert "On the day promised" in page
    assert "Track every parcel" in page
    assert f"?competency=4&amp;touchpoint={delivery.pk}" in page
    form = client.get(url(organization, "milestone_create") + f"?competency=4&touchpoint={delivery.pk}").context["form"]
    assert str(form["touchpoint"].value()) == str(delivery.pk)


def test_a_milestone_linked_to_a_moment_shows_the_touchpoint_in_its_history(client, organization, cco_user, delivery):
    """Given a milestone linked to the Delivery moment of truth, when its page is opened, then its history names
    the touchpoint it now points at (the touchpoint is looked up within the organization)."""
    moment = services.choose_moment(
        organization=organization, touchpoint=delivery, intended_experience="On the day", chosen_by=cco_user
    )
    milestone = MilestoneFactory(organization=organization, title="Track every parcel")
    services.link_milestone(moment=moment, milestone=milestone, changed_by=cco_user)
    client.force_login(cco_user)
    response = client.get(url(organization, "milestone", milestone_id=milestone.pk))
    assert response.status_code == 200
    assert "Delivery" in response.content.decode()
