"""Reads of the five-year horizon: where the organization stands on the path, and each competency's yearly goals
beside the stage it has reached."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Min
from django.utils import timezone

from cco_portal.organizations.models import Organization
from cco_portal.organizations.roles import MANAGERS, roles_allow

from ..models import Milestone
from ..selectors import CompetencyRollup, competency_rollup
from .models import FIRST_GOAL_YEAR, LAST_YEAR, YearlyGoal


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
