"""Reads of the five-year horizon: where the organization stands on the path, and each competency's yearly goals
beside the stage it has reached."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Min
from django.utils import timezone

from cco_portal.organizations.models import Organization
from cco_portal.organizations.roles import MANAGERS, roles_allow

from ..models import Milestone
from ..selectors import CompetencyRollup, competency_rollup
from .models import FIRST_GOAL_YEAR, LAST_YEAR, YearlyGoal

FIRST_YEAR = 1


def can_set_goals(roles: Iterable[str]) -> bool:
    """The CCO and admins set the yearly goals."""
    return roles_allow(roles, MANAGERS)


def path_start(organization: Organization) -> date:
    """The path begins with the earliest milestone's start (or due) date, or the day the organization joined."""
    earliest = Milestone.objects.for_organization(organization).aggregate(start=Min("start_date"), due=Min("due_date"))
    days = [day for day in (earliest["start"], earliest["due"]) if day is not None]
    return min(days) if days else timezone.localdate(organization.created_at)


def year_of_path(start: date, today: date) -> int:
    """The year of the path `today` falls in, 1 from the start day to the day before its first anniversary, and so
    on; past the fifth year it stays 5, and before the start it is 1."""
    years = today.year - start.year - ((today.month, today.day) < (start.month, start.day))
    return min(max(years + 1, 1), LAST_YEAR)


@dataclass
class CompetencyHorizon:
    rollup: CompetencyRollup
    goals: dict[int, YearlyGoal]  # by year, 2 to 5

    @property
    def years(self) -> list[tuple[int, YearlyGoal | None]]:
        return [(year, self.goals.get(year)) for year in range(FIRST_GOAL_YEAR, LAST_YEAR + 1)]


@dataclass
class Horizon:
    start: date
    year: int
    competencies: list[CompetencyHorizon]

    @property
    def goals_set(self) -> int:
        return sum(len(item.goals) for item in self.competencies)

    @property
    def goals_possible(self) -> int:
        return len(self.competencies) * (LAST_YEAR - FIRST_GOAL_YEAR + 1)


def anniversary(start: date, years: int) -> date:
    """`start` moved on by whole years; a path begun on 29 February has its anniversaries on 1 March."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return date(start.year + years, 3, 1)


@dataclass
class PathYearRow:
    """One competency in one year of the path: the first year's milestones (the rollup) or a later year's goal."""

    rollup: CompetencyRollup
    goal: YearlyGoal | None  # years two to five; None in the first, and where no goal is set


@dataclass
class PathYear:
    number: int
    first_day: date
    last_day: date
    is_current: bool
    rows: list[PathYearRow]

    @property
    def is_detailed(self) -> bool:
        """The first year is detailed in milestones; the later ones hold yearly goals."""
        return self.number == FIRST_YEAR


def path_years(path: Horizon) -> list[PathYear]:
    """The five years of the path side by side, for the timeline zoomed out to years: each year's dates, whether
    the organization is in it, and per competency the first year's milestones or the year's goal."""
    return [
        PathYear(
            number=year,
            first_day=anniversary(path.start, year - 1),
            last_day=anniversary(path.start, year) - timedelta(days=1),
            is_current=year == path.year,
            rows=[
                PathYearRow(rollup=item.rollup, goal=None if year == FIRST_YEAR else item.goals.get(year))
                for item in path.competencies
            ],
        )
        for year in range(FIRST_YEAR, LAST_YEAR + 1)
    ]


def horizon(organization: Organization, today: date | None = None) -> Horizon:
    """The five-year path as it stands on `today`: its start, the year it is in, and per competency the first
    year's milestones (the rollup), the stage reached and the goals of years two to five."""
    start = path_start(organization)
    goals: dict[int, dict[int, YearlyGoal]] = {}
    for goal in YearlyGoal.objects.for_organization(organization).select_related("competency"):
        goals.setdefault(goal.competency.number, {})[goal.year] = goal
    return Horizon(
        start=start,
        year=year_of_path(start, today or timezone.localdate()),
        competencies=[
            CompetencyHorizon(rollup=rollup, goals=goals.get(rollup.competency.number, {}))
            for rollup in competency_rollup(organization)
        ],
    )
