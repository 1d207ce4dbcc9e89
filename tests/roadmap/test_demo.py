"""The demo roadmap: a believable spread of progress, seeded once, without emailing anyone."""

import pytest

from cco_portal.organizations.roles import Role
from roadmap import selectors
from roadmap.demo import seed_demo
from roadmap.journey import selectors as journey_selectors
from roadmap.listening import selectors as listening_selectors
from roadmap.listening.models import SourceKind
from roadmap.models import MaturityAssessment, Milestone, Status
from roadmap.starter import STARTER_MILESTONES

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(member_of):
    return {role: member_of(role) for role in Role}


def test_the_demo_roadmap_has_every_kind_of_progress(
    organization, people, mailoutbox, django_capture_on_commit_callbacks
):
    """Done, in progress, blocked with a reason and overdue milestones, each owned and placed in areas,
    a stage for every competency, and no assignment or overdue email."""
    # when
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo(organization=organization, people=people)

    # then
    milestones = list(Milestone.objects.for_organization(organization).prefetch_related("areas"))
    assert len(milestones) == len(STARTER_MILESTONES)
    statuses = {status: [m for m in milestones if m.status == status] for status in Status.values}
    assert len(statuses[Status.DONE]) >= 3
    assert all(0 < m.percent_complete < 100 for m in statuses[Status.IN_PROGRESS])
    assert [bool(m.blocked_reason) for m in statuses[Status.BLOCKED]] == [True]
    overdue = [m for m in milestones if m.is_overdue]
    assert len(overdue) >= 2
    assert all(m.overdue_notified_at for m in overdue)
    assert all(m.owner in people.values() and m.areas.all() for m in milestones)
    assert all(rollup.stage for rollup in selectors.competency_rollup(organization))
    assert max(len(stages) for stages in selectors.maturity_history(organization).values()) == 2
    assert mailoutbox == []


def test_the_demo_roadmap_is_seeded_once(organization, people):
    """A second run leaves the roadmap as the first one made it."""
    # given
    seed_demo(organization=organization, people=people)

    # when
    seed_demo(organization=organization, people=people)

    # then
    assert Milestone.objects.for_organization(organization).count() == len(STARTER_MILESTONES)
    assert MaturityAssessment.objects.for_organization(organization).count() == 7


def test_the_demo_journey_map_has_leaders_and_priorities(organization, people):
    """Six stages with touchpoints, every area led, two priorities chosen after every leader spoke, one in
    discussion, and milestones pointing at touchpoints; seeded once."""
    seed_demo(organization=organization, people=people)
    seed_demo(organization=organization, people=people)

    journey = journey_selectors.map_snapshot(organization)
    assert len(journey["stages"]) == 6
    assert all(stage["touchpoints"] for stage in journey["stages"])
    assert all(area["leader"] for area in journey["areas"])
    priorities = list(journey_selectors.priorities(organization))
    assert sorted(p.status for p in priorities) == ["chosen", "chosen", "discussion"]
    assert all(p.stances.count() >= 2 for p in priorities)
    chosen = [p["experience"] for s in journey["stages"] for t in s["touchpoints"] for p in t["priorities"]]
    assert len(chosen) == 2
    # Three placed by the roadmap's demo, and the moment of truth's milestone linked to "Onboarding call".
    assert Milestone.objects.for_organization(organization).filter(touchpoint__isnull=False).count() == 4


def test_the_demo_listening_path_has_history_and_gaps(organization, people, django_capture_on_commit_callbacks):
    """The demo's path has sources of all three kinds with months of reports; "Renew" is its one unheard stage
    and "Onboarding call notes" its one silent source, so the gaps say something true."""
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo(organization=organization, people=people)

    path = listening_selectors.listening_path(organization)
    assert {heard.kind for heard in path.heard} == set(SourceKind.values)
    assert all(len(listening_selectors.reports(heard.source)) >= 4 for heard in path.heard)
    assert [gap.stage.name for gap in path.unheard_stages] == ["Renew"]
    assert [gap.heard.name for gap in path.silent_sources] == ["Onboarding call notes"]
