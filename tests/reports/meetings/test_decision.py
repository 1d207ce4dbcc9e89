"""Candidate actions and the decision: each leader proposes and ranks their own, the combined ranking (a Borda
count) shows to all once the meeting has started, the room agrees at most N actions which become customer-room
actions, and the candidates not chosen can come back next month."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cco_portal.audit.models import Action, AuditEvent
from cco_portal.organizations.roles import Role
from cco_portal.organizations.services import change_organization_settings
from metrics.months import month_index
from reports.meetings import decision, selectors, services
from reports.meetings.models import CandidateStatus
from reports.models import CustomerRoomAction
from tests.reports.meetings.factories import set_series

pytestmark = pytest.mark.django_db

LEADER = {Role.LEADERSHIP}
EXECUTIVE = {Role.EXECUTIVE}


@pytest.fixture
def lee(member_of):
    return member_of(Role.LEADERSHIP, email="lee@example.com")


@pytest.fixture
def eve(member_of):
    return member_of(Role.EXECUTIVE, email="eve@example.com")


@pytest.fixture
def meeting(organization, cco_user, lee, eve):
    set_series(organization, invited=[lee, eve])
    return services.schedule_next_meeting(organization=organization, scheduled_by=cco_user)


def propose(meeting, user, title, roles=LEADER):
    return decision.propose_candidate(meeting=meeting, proposed_by=user, roles=roles, title=title)


def test_the_combined_ranking_is_a_borda_count(meeting, lee, eve, cco_user):
    """Given three candidates, Lee ranking A, B, C and Eve ranking C, A (B left out), then A has 3 + 2 = 5 points,
    C 1 + 3 = 4, B 2: A, C, B."""
    a, b, c = (propose(meeting, lee, title) for title in "ABC")
    decision.rank_candidates(meeting=meeting, user=lee, roles=LEADER, candidate_ids=[a.pk, b.pk, c.pk])
    decision.rank_candidates(meeting=meeting, user=eve, roles=EXECUTIVE, candidate_ids=[c.pk, a.pk])

    combined = selectors.combined_ranking(meeting)

    assert [(r.candidate.title, r.points, r.rankers) for r in combined] == [("A", 5, 2), ("C", 4, 2), ("B", 2, 1)]
    assert [c.title for c in selectors.own_ranking(meeting, eve)] == ["C", "A"]


def test_the_combined_ranking_shows_once_the_meeting_has_started(meeting, cco_user, clock):
    """Before the meeting each leader sees only their own ranking; once the CCO starts it, or its start time has
    passed, the combined ranking is for everyone."""
    assert not selectors.may_see_combined_ranking(meeting)
    decision.start_meeting(meeting=meeting, started_by=cco_user)
    meeting.refresh_from_db()
    assert selectors.may_see_combined_ranking(meeting)

    meeting.started_at = None
    assert not selectors.may_see_combined_ranking(meeting)
    clock.current = meeting.starts_at + timedelta(seconds=1)
    assert selectors.may_see_combined_ranking(meeting)


def test_nobody_changes_or_withdraws_another_persons_proposal(meeting, lee, eve):
    """Eve may not change or withdraw Lee's candidate; Lee may change his own. Ranking one's own list never touches
    another's ranking."""
    mine = propose(meeting, lee, "Call every lost customer")
    with pytest.raises(PermissionDenied):
        decision.change_candidate(candidate=mine, user=eve, title="Something else")
    with pytest.raises(PermissionDenied):
        decision.withdraw_candidate(candidate=mine, user=eve)
    mine.refresh_from_db()
    assert mine.title == "Call every lost customer"

    decision.change_candidate(candidate=mine, user=lee, title="Call every customer lost to price")
    decision.rank_candidates(meeting=meeting, user=lee, roles=LEADER, candidate_ids=[mine.pk])
    decision.rank_candidates(meeting=meeting, user=eve, roles=EXECUTIVE, candidate_ids=[])
    assert [c.title for c in selectors.own_ranking(meeting, lee)] == ["Call every customer lost to price"]


def test_only_leaders_propose_and_rank(meeting, admin_user):
    with pytest.raises(PermissionDenied):
        propose(meeting, admin_user, "x", roles=set())
    with pytest.raises(PermissionDenied):
        decision.rank_candidates(meeting=meeting, user=admin_user, roles=set(), candidate_ids=[])


def test_a_ranking_names_each_candidate_of_the_meeting_once(meeting, lee, organization, cco_user):
    a = propose(meeting, lee, "A")
    with pytest.raises(ValidationError, match="once"):
        decision.rank_candidates(meeting=meeting, user=lee, roles=LEADER, candidate_ids=[a.pk, a.pk])
    with pytest.raises(ValidationError, match="Not a candidate"):
        decision.rank_candidates(meeting=meeting, user=lee, roles=LEADER, candidate_ids=[a.pk + 1000])


def test_the_room_agrees_at_most_n_actions(meeting, organization, admin_user, cco_user, lee, eve):
    """With the organization's limit set to 2, agreeing three candidates is refused and nothing is recorded;
    agreeing two records two customer-room actions with their owners and due dates, of the meeting's report
    month, marks the third not chosen, and is audited."""
    change_organization_settings(organization=organization, acting_user=admin_user, customer_room_max_actions=2)
    a, b, c = (propose(meeting, lee, title) for title in ("Call lost", "Fix billing", "New onboarding"))
    decision.start_meeting(meeting=meeting, started_by=cco_user)
    due = timezone.localdate() + timedelta(days=30)
    choices = [{"candidate": x, "owner": eve, "due_date": due} for x in (a, b, c)]

    with pytest.raises(ValidationError, match="at most 2"):
        decision.record_decision(meeting=meeting, decided_by=cco_user, agreed=choices)
    assert not CustomerRoomAction.objects.filter(organization=organization).exists()

    recorded = decision.record_decision(meeting=meeting, decided_by=cco_user, agreed=choices[:2])

    assert [(x.title, x.owner, x.due_date, x.month) for x in recorded] == [
        ("Call lost", eve, due, meeting.report_month),
        ("Fix billing", eve, due, meeting.report_month),
    ]
    statuses = {x.title: (x.status, x.action_id) for x in selectors.candidates(meeting)}
    assert statuses["New onboarding"] == (CandidateStatus.NOT_CHOSEN, None)
    assert statuses["Call lost"] == (CandidateStatus.AGREED, recorded[0].pk)
    assert AuditEvent.objects.filter(action=Action.MEETING_DECISION, details__change="decision recorded").exists()
    with pytest.raises(ValidationError, match="decided"):
        decision.record_decision(meeting=meeting, decided_by=cco_user, agreed=choices[2:])
    with pytest.raises(ValidationError, match="decided"):
        propose(meeting, lee, "Too late")


def test_the_default_limit_is_three(meeting, organization, cco_user, lee, eve):
    candidates = [propose(meeting, lee, f"Action {n}") for n in range(4)]
    decision.start_meeting(meeting=meeting, started_by=cco_user)
    choices = [{"candidate": x, "owner": eve, "due_date": date(2099, 1, 1)} for x in candidates]
    with pytest.raises(ValidationError, match="at most 3"):
        decision.record_decision(meeting=meeting, decided_by=cco_user, agreed=choices)


def test_each_agreed_action_needs_an_owner_and_a_due_date(meeting, cco_user, lee):
    a = propose(meeting, lee, "A")
    decision.start_meeting(meeting=meeting, started_by=cco_user)
    with pytest.raises(ValidationError, match="needs one owner and a due date"):
        decision.record_decision(
            meeting=meeting, decided_by=cco_user, agreed=[{"candidate": a, "owner": None, "due_date": None}]
        )


def test_the_room_decides_only_once_the_meeting_has_started(meeting, cco_user, lee, eve):
    a = propose(meeting, lee, "A")
    with pytest.raises(ValidationError, match="start it first"):
        decision.record_decision(
            meeting=meeting, decided_by=cco_user, agreed=[{"candidate": a, "owner": eve, "due_date": date(2099, 1, 1)}]
        )


def test_a_candidate_not_chosen_comes_back_next_month(organization, cco_user, lee, eve):
    """Given last month's meeting agreed A and not B, this month's meeting offers B to propose again; Eve proposes
    it again as her own, it is then offered no more, and it cannot be carried twice."""
    set_series(organization, invited=[lee, eve])
    this_month = month_index(timezone.localdate())
    earlier = services.schedule_meeting(organization=organization, report_month=this_month - 2, scheduled_by=cco_user)
    a, b = propose(earlier, lee, "A"), propose(earlier, lee, "B")
    decision.record_decision(
        meeting=earlier, decided_by=cco_user, agreed=[{"candidate": a, "owner": eve, "due_date": date(2099, 1, 1)}]
    )
    later = services.schedule_meeting(organization=organization, report_month=this_month - 1, scheduled_by=cco_user)

    assert selectors.not_chosen_before(later) == [b]
    again = decision.propose_again(candidate=b, meeting=later, proposed_by=eve, roles=EXECUTIVE)

    assert (again.title, again.proposed_by, again.carried_from, again.status) == ("B", eve, b, CandidateStatus.PROPOSED)
    assert selectors.not_chosen_before(later) == []
    with pytest.raises(ValidationError, match="already proposed again"):
        decision.propose_again(candidate=b, meeting=later, proposed_by=lee, roles=LEADER)
    with pytest.raises(ValidationError, match="did not choose"):
        decision.propose_again(candidate=a, meeting=later, proposed_by=lee, roles=LEADER)
