"""The agenda, the candidates and the decision on the meeting's page."""

from datetime import date

import pytest
from django.urls import reverse

from cco_portal.organizations.roles import Role
from reports.meetings import decision, services
from reports.meetings.models import Candidate, CandidateStatus
from reports.models import CustomerRoomAction
from tests.factories import MembershipFactory, UserFactory
from tests.reports.factories import CustomerRoomActionFactory, ReportFactory
from tests.reports.meetings.factories import set_series
from tests.roadmap.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def url(name, meeting, **kwargs):
    return reverse(
        f"reports:{name}", kwargs={"org_slug": meeting.organization.slug, "meeting_id": meeting.pk, **kwargs}
    )


@pytest.fixture
def lee(member_of):
    return member_of(Role.LEADERSHIP, email="lee@example.com", full_name="Lee Leadership")


@pytest.fixture
def eve(member_of):
    return member_of(Role.EXECUTIVE, email="eve@example.com", full_name="Eve Executive")


@pytest.fixture
def meeting(organization, cco_user, lee, eve):
    set_series(organization, invited=[lee, eve])
    return services.schedule_next_meeting(organization=organization, scheduled_by=cco_user)


def test_the_agenda_reads_the_stored_report_and_last_months_actions(client, organization, meeting, lee):
    """The agenda shows last month's actions with their status (one that became a milestone follows it), and the
    bridge and lost reasons of the month's stored report."""
    ReportFactory(
        organization=organization,
        month=meeting.report_month,
        figures={
            "bridge": {
                "start": {"count": 10, "value": "1000.00"},
                "end": {"count": 9, "value": "950.00"},
                "classes": {
                    name: {"count": 1 if name == "lost" else 0, "value": "-50.00" if name == "lost" else "0.00"}
                    for name in ("new", "reactivated", "lost", "increased", "decreased", "stable")
                },
            },
            "lost_by_reason": [{"reason": "price", "customers": 1}],
        },
    )
    milestone = MilestoneFactory(organization=organization, status="done")
    CustomerRoomActionFactory(
        organization=organization, month=meeting.report_month - 1, title="Call the lost", milestone=milestone
    )
    client.force_login(lee)

    page = client.get(url("meeting", meeting))

    agenda = page.context["agenda"]
    assert [(a.title, a.current_status) for a in agenda.previous_actions] == [("Call the lost", "done")]
    assert {line.figure: line.count for line in agenda.bridge_lines}["lost"] == 1
    body = page.content.decode()
    assert "price: 1" in body
    assert body.index("Last month") < body.index("customer-asset bridge") < body.index("Who left and why")
    assert body.index("Who left and why") < body.index("candidate actions") < body.index("The decision")


def test_a_leader_proposes_and_ranks_and_sees_only_their_own_ranking_before_the_start(
    client, organization, meeting, lee, eve, cco_user
):
    client.force_login(lee)
    client.post(url("meeting_propose", meeting), {"title": "Call the lost", "description": "They left on price"})
    client.post(url("meeting_propose", meeting), {"title": "Fix billing"})
    first, second = Candidate.objects.filter(meeting=meeting).order_by("pk")
    response = client.post(url("meeting_rank", meeting), {f"place_{second.pk}": 1, f"place_{first.pk}": 2})
    assert response.status_code == 302
    decision.rank_candidates(meeting=meeting, user=eve, roles={Role.EXECUTIVE}, candidate_ids=[first.pk])

    page = client.get(url("meeting", meeting))
    assert page.context["combined"] is None
    assert page.context["own_ranking"] == [second, first]
    assert "The combined ranking shows to everyone once the meeting has started" in page.content.decode()

    client.force_login(cco_user)
    client.post(url("meeting_start", meeting))
    client.force_login(lee)
    combined = client.get(url("meeting", meeting)).context["combined"]
    assert [(r.candidate, r.points) for r in combined] == [(first, 3), (second, 2)]


def test_a_ranking_with_two_candidates_in_one_place_is_refused(client, meeting, lee):
    a = decision.propose_candidate(meeting=meeting, proposed_by=lee, roles={Role.LEADERSHIP}, title="A")
    b = decision.propose_candidate(meeting=meeting, proposed_by=lee, roles={Role.LEADERSHIP}, title="B")
    client.force_login(lee)
    response = client.post(url("meeting_rank", meeting), {f"place_{a.pk}": 1, f"place_{b.pk}": 1})
    assert response.status_code == 200
    assert "Give each candidate you rank its own place." in response.context["ranking_form"].non_field_errors()


def test_nobody_withdraws_another_persons_candidate_from_the_page(client, meeting, lee, eve):
    mine = decision.propose_candidate(meeting=meeting, proposed_by=lee, roles={Role.LEADERSHIP}, title="Mine")
    client.force_login(eve)
    assert client.post(url("meeting_withdraw", meeting, candidate_id=mine.pk)).status_code == 403
    assert Candidate.objects.filter(pk=mine.pk).exists()
    client.force_login(lee)
    assert client.post(url("meeting_withdraw", meeting, candidate_id=mine.pk)).status_code == 302
    assert not Candidate.objects.filter(pk=mine.pk).exists()


def test_the_cco_records_the_decision_at_most_n(client, organization, meeting, cco_user, lee, eve):
    """Four candidates and the default limit of 3: agreeing four comes back with the reason and records
    nothing; agreeing two records two actions and marks the rest not chosen."""
    picks = [
        decision.propose_candidate(meeting=meeting, proposed_by=lee, roles={Role.LEADERSHIP}, title=f"Action {n}")
        for n in range(4)
    ]
    client.force_login(cco_user)
    client.post(url("meeting_start", meeting))
    every = {}
    for candidate in picks:
        every |= {f"agree_{candidate.pk}": "on", f"owner_{candidate.pk}": eve.pk, f"due_{candidate.pk}": "2099-01-31"}

    refused = client.post(url("meeting_decide", meeting), every)
    assert refused.status_code == 200
    assert "at most 3" in str(refused.context["decision_form"].non_field_errors())
    assert not CustomerRoomAction.objects.exists()

    two = {k: v for k, v in every.items() if k.endswith((f"_{picks[0].pk}", f"_{picks[1].pk}"))}
    assert client.post(url("meeting_decide", meeting), two).status_code == 302

    assert list(CustomerRoomAction.objects.order_by("title").values_list("title", "owner", "due_date")) == [
        ("Action 0", eve.pk, date(2099, 1, 31)),
        ("Action 1", eve.pk, date(2099, 1, 31)),
    ]
    assert sorted(Candidate.objects.filter(status=CandidateStatus.NOT_CHOSEN).values_list("title", flat=True)) == [
        "Action 2",
        "Action 3",
    ]


def test_a_decision_naming_an_owner_of_another_organization_is_refused(
    client, organization, other_organization, meeting, cco_user, lee
):
    outsider = UserFactory()
    MembershipFactory(organization=other_organization, user=outsider, role=Role.EXECUTIVE)
    a = decision.propose_candidate(meeting=meeting, proposed_by=lee, roles={Role.LEADERSHIP}, title="A")
    decision.start_meeting(meeting=meeting, started_by=cco_user)
    client.force_login(cco_user)
    response = client.post(
        url("meeting_decide", meeting),
        {f"agree_{a.pk}": "on", f"owner_{a.pk}": outsider.pk, f"due_{a.pk}": "2099-01-31"},
    )
    assert response.status_code == 200
    assert f"owner_{a.pk}" in response.context["decision_form"].errors
    assert not CustomerRoomAction.objects.exists()
