"""The timeline zooms from the first year's quarters to the five years of the path: plain links (?zoom=), every
role reads both zooms, the year zoom puts the first year's milestones per competency beside the yearly goals of
years two to five, and the roadmap's overview links to it."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cco_portal.organizations.roles import MANAGERS, Role
from roadmap.horizon import selectors, services
from roadmap.models import Competency, Status
from tests.roadmap.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def timeline_url(organization, **query) -> str:
    url = reverse("roadmap:timeline", kwargs={"org_slug": organization.slug})
    return url + "".join(f"?{key}={value}" for key, value in query.items())


@pytest.fixture
def path(organization, cco_user):
    """A path begun ten months ago: two milestones of competency 1 (one done), one of competency 3, and goals for
    competency 1 in year 2 and competency 5 in year 4."""
    today = timezone.localdate()
    customers, listening = Competency.objects.get(number=1), Competency.objects.get(number=3)
    MilestoneFactory(
        organization=organization,
        competency=customers,
        title="Charter signed",
        start_date=today - timedelta(days=300),
        due_date=today - timedelta(days=200),
        status=Status.DONE,
        percent_complete=100,
    )
    MilestoneFactory(
        organization=organization,
        competency=customers,
        title="Segments owned",
        start_date=today,
        due_date=today + timedelta(days=60),
    )
    MilestoneFactory(
        organization=organization,
        competency=listening,
        title="Every stage heard",
        start_date=today,
        due_date=today + timedelta(days=120),
    )
    services.set_yearly_goal(
        organization=organization,
        competency=customers,
        year=2,
        goal="Every segment has an executive owner",
        target_stage=3,
        set_by=cco_user,
    )
    services.set_yearly_goal(
        organization=organization,
        competency=Competency.objects.get(number=5),
        year=4,
        goal="The customer room meets monthly without the CCO",
        set_by=cco_user,
    )
    return today - timedelta(days=300)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_the_quarter_zoom(client, organization, member_of, path, role):
    """The timeline opens at quarters: the first year's milestones on the month axis with each quarter's start
    marked, and the zoom's two links, the quarters' marked as the current page."""
    client.force_login(member_of(role))

    response = client.get(timeline_url(organization))

    assert response.status_code == 200
    assert response.context["zoom"] == "quarters"
    page = response.content.decode()
    assert "Segments owned" in page
    assert "Every stage heard" in page
    assert 'class="timeline-quarter"' in page
    assert 'aria-current="page" href="?zoom=quarters"' in page
    assert 'href="?zoom=years"' in page
    zoomed = client.get(timeline_url(organization, zoom="quarters"))
    assert zoomed.context["zoom"] == "quarters"
    assert not zoomed.context["filter_form"].is_bound  # the zoom is no filter: the filters stay folded away


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_the_year_zoom(client, organization, member_of, path, role):
    """?zoom=years shows five years from the path's start: year 1 (now) with competency 1's two milestones (one
    done) and competency 3's one, years 2 and 4 with their goals, the others with none; only the CCO and admins
    are offered to set the goals."""
    client.force_login(member_of(role))

    response = client.get(timeline_url(organization, zoom="years"))

    assert response.status_code == 200
    years = response.context["path_years"]
    assert [year.number for year in years] == [1, 2, 3, 4, 5]
    assert [year.is_current for year in years] == [True, False, False, False, False]
    assert years[0].first_day == path
    assert years[1].first_day == years[0].last_day + timedelta(days=1)
    first = {row.rollup.competency.number: (row.rollup.done, row.rollup.total) for row in years[0].rows}
    assert (first[1], first[3], first[2]) == ((1, 2), (0, 1), (0, 0))
    assert years[1].rows[0].goal.goal == "Every segment has an executive owner"
    assert years[3].rows[4].goal.goal == "The customer room meets monthly without the CCO"
    assert [row.goal for row in years[2].rows] == [None] * 5
    page = response.content.decode()
    assert 'aria-current="page" href="?zoom=years"' in page
    assert "1 of 2 milestones done" in page
    assert "Every segment has an executive owner" in page
    assert "aims for stage 3" in page
    assert 'aria-current="step"' in page
    assert "Segments owned" not in page  # the year zoom sums the milestones up
    assert ("Set the yearly goals" in page) == (role in MANAGERS)


def test_an_unknown_zoom_is_the_quarter_zoom(client, organization, leadership_user, path):
    client.force_login(leadership_user)

    assert client.get(timeline_url(organization, zoom="decades")).context["zoom"] == "quarters"


def test_the_year_zoom_without_milestones_or_goals_says_what_comes_next(client, organization, cco_user):
    """An organization with nothing planned: five years from the day it joined, year 1 now, no goal anywhere."""
    client.force_login(cco_user)

    response = client.get(timeline_url(organization, zoom="years"))

    assert response.status_code == 200
    assert response.context["path_years"][0].first_day == timezone.localdate(organization.created_at)
    page = response.content.decode()
    assert "0 of 20 set" in page
    assert page.count("no goal yet") == 20
    assert "Set the yearly goals" in page


def test_the_overview_links_the_five_year_path_to_the_year_zoom(client, organization, leadership_user, path):
    client.force_login(leadership_user)

    page = client.get(reverse("roadmap:overview", kwargs={"org_slug": organization.slug})).content.decode()

    assert f'href="{timeline_url(organization, zoom="years")}"' in page


def test_a_path_begun_on_29_february_turns_on_1_march():
    assert selectors.anniversary(date(2024, 2, 29), 1) == date(2025, 3, 1)
    assert selectors.anniversary(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_the_api_gives_the_five_years_of_the_year_zoom(api_client, organization, leadership_user, path):
    """The horizon API lists the five years with their dates, the first marked current, as the year zoom draws
    them; the goals stay under their competencies."""
    api_client.force_authenticate(leadership_user)

    body = api_client.get(reverse("api-horizon", kwargs={"org_slug": organization.slug})).json()

    assert [year["year"] for year in body["years"]] == [1, 2, 3, 4, 5]
    assert body["years"][0] == {
        "year": 1,
        "first_day": path.isoformat(),
        "last_day": (selectors.anniversary(path, 1) - timedelta(days=1)).isoformat(),
        "is_current": True,
    }
    assert [year["is_current"] for year in body["years"][1:]] == [False] * 4
    assert body["competencies"][0]["goals"][0]["goal"] == "Every segment has an executive owner"
