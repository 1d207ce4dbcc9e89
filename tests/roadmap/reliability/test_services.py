"""The reliability log: issues at touchpoints, owned by areas, moving open → investigating → fixing → resolved,
their frequency counted month by month, and a resolved issue that comes back reopened with its whole history."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cco_portal.audit.models import Action, AuditEvent
from cco_portal.organizations.roles import Role
from roadmap.journey import services as journey
from roadmap.reliability import selectors, services
from roadmap.reliability.models import IssueEventKind, IssueStatus
from tests.roadmap.factories import MilestoneFactory, OperationalAreaFactory

pytestmark = pytest.mark.django_db

CCO = {Role.CCO}
THIS_MONTH = timezone.localdate().replace(day=1)


@pytest.fixture
def delivery(organization, cco_user):
    area = OperationalAreaFactory(organization=organization, name="Operations")
    stage = journey.add_stage(organization=organization, name="Get started", changed_by=cco_user)
    return journey.add_touchpoint(
        organization=organization, stage=stage, name="Delivery", area=area, changed_by=cco_user
    )


@pytest.fixture
def issue(organization, cco_user, delivery):
    return services.report_issue(
        organization=organization, title="Parcels left at the wrong door", touchpoint=delivery, reported_by=cco_user
    )


def resolve(issue, user, roles=CCO):
    services.change_status(issue=issue, status=IssueStatus.FIXING, changed_by=user, roles=roles)
    return services.change_status(
        issue=issue, status=IssueStatus.RESOLVED, changed_by=user, roles=roles, note="Drivers photograph the door"
    )


def test_a_reported_issue_is_open_and_owned_by_its_touchpoints_area(issue, delivery, cco_user):
    """Given a touchpoint owned by Operations, when an issue is reported there without an area, then it is open,
    owned by Operations, and its history starts with the report; the audit log says so."""
    assert (issue.status, issue.area, issue.recurrences) == (IssueStatus.OPEN, delivery.area, 0)
    assert [(e.kind, e.to_status, e.by) for e in selectors.history(issue)] == [
        (IssueEventKind.REPORTED, IssueStatus.OPEN, cco_user)
    ]
    assert AuditEvent.objects.filter(action=Action.RELIABILITY_ISSUE_CHANGED, target=f"reliability issue {issue.pk}")


def test_status_moves_forward_and_resolving_says_what_fixed_it(issue, cco_user):
    """Given an open issue, when it goes to investigating, fixing and resolved, then each step is in the history
    with who, from and to; resolving without a note is refused; fixing cannot go back to open directly."""
    services.change_status(issue=issue, status=IssueStatus.INVESTIGATING, changed_by=cco_user, roles=CCO)
    services.change_status(issue=issue, status=IssueStatus.FIXING, changed_by=cco_user, roles=CCO)
    with pytest.raises(ValidationError, match="by way of investigating"):
        services.change_status(issue=issue, status=IssueStatus.OPEN, changed_by=cco_user, roles=CCO)
    with pytest.raises(ValidationError, match="what resolved it"):
        services.change_status(issue=issue, status=IssueStatus.RESOLVED, changed_by=cco_user, roles=CCO)
    services.change_status(
        issue=issue, status=IssueStatus.RESOLVED, changed_by=cco_user, roles=CCO, note="New delivery partner"
    )
    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESOLVED
    steps = [(e.from_status, e.to_status, e.note) for e in selectors.history(issue) if e.kind == IssueEventKind.STATUS]
    assert steps == [
        ("open", "investigating", ""),
        ("investigating", "fixing", ""),
        ("fixing", "resolved", "New delivery partner"),
    ]


def test_a_resolved_issue_is_not_reopened_by_a_plain_status_change(issue, cco_user):
    """Given a resolved issue, when someone sets it back to open, then they are told to record a recurrence."""
    resolve(issue, cco_user)
    with pytest.raises(ValidationError, match="record that it recurred"):
        services.change_status(issue=issue, status=IssueStatus.OPEN, changed_by=cco_user, roles=CCO)


def test_a_recurrence_reopens_the_issue_counts_it_and_keeps_the_history(issue, cco_user):
    """Given an issue resolved twice, when it recurs twice, then it is open again with 2 recurrences, and the
    history holds every step in order, each recurrence with its reason; an open issue cannot recur."""
    resolve(issue, cco_user)
    services.record_recurrence(issue=issue, recorded_by=cco_user, roles=CCO, note="Three parcels on the 4th")
    resolve(issue, cco_user)
    services.record_recurrence(issue=issue, recorded_by=cco_user, roles=CCO, note="New driver, same door")
    issue.refresh_from_db()
    assert (issue.status, issue.recurrences) == (IssueStatus.OPEN, 2)
    kinds = [(e.kind, e.to_status) for e in selectors.history(issue)]
    assert kinds == [
        ("reported", "open"),
        ("status", "fixing"),
        ("status", "resolved"),
        ("recurred", "open"),
        ("status", "fixing"),
        ("status", "resolved"),
        ("recurred", "open"),
    ]
    assert [e.note for e in selectors.history(issue) if e.kind == "recurred"] == [
        "Three parcels on the 4th",
        "New driver, same door",
    ]
    with pytest.raises(ValidationError, match="Only a resolved issue recurs"):
        services.record_recurrence(issue=issue, recorded_by=cco_user, roles=CCO, note="Again")


def test_the_frequency_is_counted_per_month_and_a_recount_replaces_it(issue, cco_user):
    """Given an open issue, when March, April and March again are counted, then the frequency holds one count per
    month in order, the latest month is the current frequency, and a month still to come is refused."""
    services.record_occurrences(issue=issue, month=date(2026, 3, 14), count=12, recorded_by=cco_user, roles=CCO)
    services.record_occurrences(issue=issue, month=date(2026, 4, 1), count=7, recorded_by=cco_user, roles=CCO)
    services.record_occurrences(issue=issue, month=date(2026, 3, 1), count=15, recorded_by=cco_user, roles=CCO)
    issue = selectors.issues(issue.organization).get(pk=issue.pk)
    assert [(o.month, o.count) for o in issue.occurrences.all()] == [(date(2026, 3, 1), 15), (date(2026, 4, 1), 7)]
    assert selectors.latest_frequency(issue).count == 7
    next_year = THIS_MONTH.replace(year=THIS_MONTH.year + 1)
    with pytest.raises(ValidationError, match="still to come"):
        services.record_occurrences(issue=issue, month=next_year, count=1, recorded_by=cco_user, roles=CCO)


def test_new_occurrences_after_resolution_reopen_the_issue_as_a_recurrence(issue, cco_user):
    """Given an issue with 4 occurrences counted this month and then resolved, when this month's count is made
    complete at 4 again nothing happens; when it rises to 6, the issue reopens as a recurrence saying 2 are new.
    A count for an earlier month never reopens it."""
    services.record_occurrences(issue=issue, month=THIS_MONTH, count=4, recorded_by=cco_user, roles=CCO)
    resolve(issue, cco_user)
    services.record_occurrences(issue=issue, month=THIS_MONTH, count=4, recorded_by=cco_user, roles=CCO)
    services.record_occurrences(issue=issue, month=date(2020, 1, 1), count=9, recorded_by=cco_user, roles=CCO)
    issue.refresh_from_db()
    assert (issue.status, issue.recurrences) == (IssueStatus.RESOLVED, 0)
    services.record_occurrences(issue=issue, month=THIS_MONTH, count=6, recorded_by=cco_user, roles=CCO)
    issue.refresh_from_db()
    assert (issue.status, issue.recurrences) == (IssueStatus.OPEN, 1)
    recurred = [e for e in selectors.history(issue) if e.kind == IssueEventKind.RECURRED]
    assert [(e.from_status, e.note) for e in recurred] == [
        ("resolved", f"2 new occurrences counted in {THIS_MONTH:%Y-%m}.")
    ]


def test_the_areas_leader_keeps_the_issue_current_and_nobody_else_does(
    organization, issue, executive_user, leadership_user
):
    """Given an issue of Operations led by an executive, when that leader changes its status, counts it and
    updates its root cause, then it is done; they may not retitle it; a leadership member of no area is refused."""
    issue.area.leader = executive_user
    issue.area.save()
    own = {Role.EXECUTIVE}
    services.change_status(issue=issue, status=IssueStatus.INVESTIGATING, changed_by=executive_user, roles=own)
    services.record_occurrences(issue=issue, month=THIS_MONTH, count=3, recorded_by=executive_user, roles=own)
    services.update_issue(issue=issue, changed_by=executive_user, roles=own, root_cause="Addresses lack a floor")
    with pytest.raises(ValidationError, match="You may not change: title"):
        services.update_issue(issue=issue, changed_by=executive_user, roles=own, title="Other")
    with pytest.raises(PermissionDenied):
        services.change_status(
            issue=issue, status=IssueStatus.FIXING, changed_by=leadership_user, roles={Role.LEADERSHIP}
        )
    issue.refresh_from_db()
    assert (issue.status, issue.root_cause) == (IssueStatus.INVESTIGATING, "Addresses lack a floor")


def test_the_log_filters_by_touchpoint_area_and_status(organization, cco_user, issue, delivery):
    """Given an issue at Delivery and one elsewhere resolved, when the log is filtered, then each filter keeps
    only its own."""
    other = services.report_issue(organization=organization, title="Invoice twice", reported_by=cco_user)
    resolve(other, cco_user)
    assert list(selectors.issues(organization, selectors.IssueFilters(touchpoint=delivery.pk))) == [issue]
    assert list(selectors.issues(organization, selectors.IssueFilters(area=delivery.area_id))) == [issue]
    assert list(selectors.issues(organization, selectors.IssueFilters(status="resolved"))) == [other]
    assert selectors.status_counts(organization) == {"open": 1, "investigating": 0, "fixing": 0, "resolved": 1}


def test_a_moment_of_truth_holds_the_milestones_pointing_at_its_touchpoint(organization, cco_user, delivery):
    """Given Delivery chosen as a moment of truth, when a milestone is linked to it, then the milestone points at
    the touchpoint and the moment lists it; the same touchpoint cannot be chosen twice."""
    moment = services.choose_moment(
        organization=organization, touchpoint=delivery, intended_experience="On the day promised", chosen_by=cco_user
    )
    milestone = MilestoneFactory(organization=organization, title="Track every parcel")
    services.link_milestone(moment=moment, milestone=milestone, changed_by=cco_user)
    milestone.refresh_from_db()
    assert milestone.touchpoint == delivery
    assert [m.title for m in selectors.moments(organization).get().touchpoint.linked_milestones] == [
        "Track every parcel"
    ]
    with pytest.raises(ValidationError, match="already a moment of truth"):
        services.choose_moment(
            organization=organization, touchpoint=delivery, intended_experience="Again", chosen_by=cco_user
        )
    assert AuditEvent.objects.filter(action=Action.MOMENT_OF_TRUTH_CHANGED).count() == 2
