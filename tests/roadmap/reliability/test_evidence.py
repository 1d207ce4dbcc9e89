"""Maturity from evidence for competency 4: what the reliability log and the moments of truth show, stage by
stage, beside the CCO's judgement."""

import pytest
from django.urls import reverse

from cco_portal.organizations.roles import Role
from roadmap import selectors
from roadmap.journey import services as journey
from roadmap.models import Competency, Status
from roadmap.reliability import services
from tests.roadmap.factories import MilestoneFactory, OperationalAreaFactory

pytestmark = pytest.mark.django_db


def evidence(organization):
    return selectors.maturity_evidence(organization, Competency.objects.get(number=4))


def test_with_nothing_logged_stage_one_and_the_log_and_a_moment_are_missing(organization):
    """Given an empty log, the evidence suggests stage 1 and names the log and a moment of truth as missing."""
    found = evidence(organization)
    assert found.suggested_stage == 1
    assert [item.title for item in found.missing_for_next] == [
        "The issues that make the experience irregular are logged at their touchpoints",
        "A moment of truth is chosen",
    ]


def test_an_owned_counted_log_and_an_improved_moment_suggest_stage_three_then_four(
    organization, cco_user, executive_user
):
    """Given an issue at a touchpoint of an area with a leader, counted this month, and a moment with a milestone,
    the evidence suggests stage 3; once another issue is resolved for good and the milestone is done, stage 4."""
    area = OperationalAreaFactory(organization=organization, name="Operations", leader=executive_user)
    stage = journey.add_stage(organization=organization, name="Get started", changed_by=cco_user)
    delivery = journey.add_touchpoint(
        organization=organization, stage=stage, name="Delivery", area=area, changed_by=cco_user
    )
    issue = services.report_issue(organization=organization, title="Late", touchpoint=delivery, reported_by=cco_user)
    services.record_occurrences(
        issue=issue,
        month=services.first_of_month(issue.reported_at.date()),
        count=3,
        recorded_by=cco_user,
        roles={Role.CCO},
    )
    moment = services.choose_moment(
        organization=organization, touchpoint=delivery, intended_experience="On the day", chosen_by=cco_user
    )
    milestone = MilestoneFactory(organization=organization, competency=Competency.objects.get(number=4))
    services.link_milestone(moment=moment, milestone=milestone, changed_by=cco_user)
    assert evidence(organization).suggested_stage == 3

    fixed = services.report_issue(organization=organization, title="Billed twice", reported_by=cco_user)
    services.change_status(issue=fixed, status="resolved", changed_by=cco_user, roles={Role.CCO}, note="Batch fixed")
    milestone.refresh_from_db()
    milestone.status = Status.DONE
    milestone.save()
    assert evidence(organization).suggested_stage == 4


def test_the_board_of_competency_four_shows_the_evidence(client, organization, cco_user):
    """Given the CCO, the board of competency 4 shows what the record holds of the reliability log."""
    client.force_login(cco_user)
    page = client.get(reverse("roadmap:board", kwargs={"org_slug": organization.slug, "number": 4})).content.decode()
    assert "A moment of truth is chosen" in page
