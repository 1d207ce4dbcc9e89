"""The demo organization's goals for years two to five of the path, for two competencies, so the horizon shows
both goals and the years still to plan. Called by roadmap.demo."""

from cco_portal.organizations.roles import Role

from ..models import Competency
from . import services

# (competency, year, goal, stage aimed for)
GOALS = [
    (1, 2, "Every segment and every figure of the bridge has an executive owner.", 3),
    (1, 3, "Reasons are known for most of the value lost, every month.", 4),
    (3, 2, "Every stage of the journey has a source, each with an owner.", 3),
    (3, 3, "No source silent; behavioural data at every stage.", 4),
    (3, 5, "What customers say reaches the customer room within a week.", 5),
]


def seed_horizon(*, organization, people) -> None:
    for number, year, goal, stage in GOALS:
        services.set_yearly_goal(
            organization=organization,
            competency=Competency.objects.get(number=number),
            year=year,
            goal=goal,
            target_stage=stage,
            set_by=people[Role.CCO],
        )
