"""The five-year horizon: the year of the path the organization is in, counted from its earliest milestone, and
each competency's goals for years two to five, set by the CCO, on the page and in the API."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cco_portal.audit.models import Action, AuditEvent
from roadmap.horizon import selectors, services
from roadmap.horizon.models import YearlyGoal
from roadmap.models import Competency
from tests.roadmap.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def test_the_year_of_the_path_turns_on_each_anniversary_and_stops_at_five():
    """Started on 1 March 2024: year 1 on 28 February 2025, year 2 on 1 March 2025, and 5 long after."""
    start = date(2024, 3, 1)
    assert selectors.year_of_path(start, date(2025, 2, 28)) == 1
    assert selectors.year_of_path(start, date(2025, 3, 1)) == 2
    assert selectors.year_of_path(start, date(2040, 1, 1)) == 5
    assert selectors.year_of_path(start, date(2024, 1, 1)) == 1


def test_the_path_starts_with_the_earliest_milestone(organization):
    """Two milestones: the path starts on the earlier one's start date."""
    MilestoneFactory(organization=organization, start_date=date(2024, 5, 1), due_date=date(2024, 9, 1))
    MilestoneFactory(organization=organization, start_date=None, due_date=date(2024, 3, 15))
    assert selectors.path_start(organization) == date(2024, 3, 15)
    assert selectors.horizon(organization, date(2026, 4, 1)).year == 3


def test_the_cco_sets_changes_and_clears_a_yearly_goal(organization, cco_user):
    """A goal for year 3 of competency 3 is set, changed in place, and cleared by an empty goal; each audited.
    Year 1 is refused: the milestones detail it."""
    listening = Competency.objects.get(number=3)
    services.set_yearly_goal(
        organization=organization, competency=listening, year=3, goal="Every stage heard", set_by=cco_user
    )
    services.set_yearly_goal(
        organization=organization,
        competency=listening,
        year=3,
        goal="Every stage heard, none silent",
        target_stage=4,
        set_by=cco_user,
    )
    (goal,) = YearlyGoal.objects.all()
    assert (goal.goal, goal.target_stage) == ("Every stage heard, none silent", 4)
    path = selectors.horizon(organization)
    assert path.competencies[2].goals[3] == goal
    assert (path.goals_set, path.goals_possible) == (1, 20)

    services.set_yearly_goal(organization=organization, competency=listening, year=3, goal=" ", set_by=cco_user)
    assert not YearlyGoal.objects.exists()
    assert AuditEvent.objects.filter(action=Action.ROADMAP_GOAL_SET).count() == 3
    with pytest.raises(ValidationError):
        services.set_yearly_goal(organization=organization, competency=listening, year=1, goal="x", set_by=cco_user)


def test_the_page_shows_the_year_and_the_cco_sets_a_goal(client, organization, cco_user, leadership_user):
    """The CCO sets a goal on the page; leadership reads it, with no form."""
    url = reverse("roadmap:horizon", kwargs={"org_slug": organization.slug})
    client.force_login(cco_user)
    assert "Year 1 of 5" in client.get(url).content.decode()
    response = client.post(url, {"competency": 1, "year": 2, "goal": "Every segment has an owner", "target_stage": 3})
    assert response.status_code == 302

    client.force_login(leadership_user)
    page = client.get(url).content.decode()
    assert "Every segment has an owner" in page
    assert "Set a yearly goal" not in page


def test_the_api_answers_the_path_and_sets_a_goal(api_client, organization, cco_user):
    """PUT sets competency 5's goal for year 4; the answer lists it under that competency."""
    api_client.force_authenticate(cco_user)
    url = reverse("api-horizon", kwargs={"org_slug": organization.slug})
    answer = api_client.put(url, {"competency": 5, "year": 4, "goal": "Pay tied to outcomes"}, format="json")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["year"] == 1
    assert body["competencies"][4]["goals"] == [{"year": 4, "goal": "Pay tied to outcomes", "target_stage": None}]
    refused = api_client.put(url, {"competency": 5, "year": 1, "goal": "x"}, format="json")
    assert refused.status_code == 400


def test_the_roadmap_overview_shows_where_the_path_stands(client, organization, cco_user):
    """With milestones, the overview names the year of the five-year path and the goals set, linking to it."""
    MilestoneFactory(organization=organization)
    client.force_login(cco_user)
    page = client.get(reverse("roadmap:overview", kwargs={"org_slug": organization.slug})).content.decode()
    assert '<span class="summary-value">Year 1</span> of 5 · 0 of 20 yearly goals' in page
    assert reverse("roadmap:horizon", kwargs={"org_slug": organization.slug}) in page
