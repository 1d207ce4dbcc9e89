"""The demo's reliability log and moments of truth: believable history, seeded once."""

import pytest

from cco_portal.organizations.roles import Role
from roadmap.demo import seed_demo
from roadmap.reliability import selectors
from roadmap.reliability.models import IssueStatus

pytestmark = pytest.mark.django_db


def test_the_demo_log_tells_believable_stories_with_one_recurrence(organization, member_of, mailoutbox):
    """Given the demo roadmap seeded, then the log holds issues at every status, one resolved issue that came back
    (open again, recurred once, its history dated over months), months of counts, and two moments of truth each
    with a milestone; seeding again adds nothing."""
    people = {role: member_of(role) for role in Role}
    seed_demo(organization=organization, people=people)
    seed_demo(organization=organization, people=people)

    issues = {issue.title: issue for issue in selectors.issues(organization)}
    assert len(issues) == 5
    assert set(selectors.status_counts(organization).values()) >= {1}
    assert all(count for count in selectors.status_counts(organization).values())
    recurred = issues["Parcels left at the wrong door"]
    assert (recurred.status, recurred.recurrences) == (IssueStatus.FIXING, 1)
    kinds = [event.kind for event in selectors.history(recurred)]
    assert kinds.index("recurred") > kinds.index("status")
    assert len(recurred.occurrences.all()) == 6
    dates = [event.at for event in selectors.history(recurred)]
    assert dates == sorted(dates)
    assert (dates[-1] - dates[0]).days > 150
    moments = list(selectors.moments(organization))
    assert [m.touchpoint.name for m in moments] == ["Delivery", "Onboarding call"]
    assert all(m.touchpoint.linked_milestones for m in moments)
