"""Sample roadmap for the demo organization: the starter roadmap begun four months ago, with the early
milestones done, some in progress, one blocked and a few late, and a maturity stage for each competency."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from cco_portal.organizations.roles import Role

from . import services
from .horizon.demo import seed_horizon
from .journey.demo import seed_journey
from .listening.demo import seed_listening
from .models import Competency, MaturityAssessment, Milestone, OperationalArea, Stage, Status
from .reliability.demo import seed_reliability

AREAS = ["Sales", "Marketing", "Operations", "Customer service", "Finance", "IT"]
BEGUN_WEEKS_AGO = 17
# Milestones that act on the journey map, by starter title: the touchpoint they point at.
JOURNEY_LINKS = {
    "Agree the few priority experiences": "Help desk",
    "Launch the first reliability fix with an operational owner": "Delivery",
    "Capture why customers leave": "Renewal reminder",
}


@dataclass(frozen=True)
class Progress:
    owner: str  # a role of the demo's people
    areas: tuple[str, ...]
    status: str = Status.PLANNED
    percent: int = 0
    note: str = ""  # the owner's notes, or what blocks it
    days_ago: int = 0  # when the owner last reported


# By starter title, in the starter's order, so that what a milestone depends on is done before it.
PROGRESS = {
    "Agree the customer-asset metrics with the leadership team": Progress(
        Role.CCO, ("Finance", "Sales"), Status.DONE, 100, "Signed off at the March leadership offsite.", 75
    ),
    "Establish a recurring customer data feed": Progress(
        Role.EXECUTIVE, ("IT", "Finance"), Status.DONE, 100, "The billing export lands on the 3rd of each month.", 40
    ),
    "Capture why customers leave": Progress(
        Role.EXECUTIVE,
        ("Customer service", "Sales"),
        Status.IN_PROGRESS,
        60,
        "Reasons are logged for about half of lost accounts; sales still skips the field.",
        12,
    ),
    "Map the customer journey across the silos": Progress(
        Role.CCO,
        ("Sales", "Marketing", "Operations", "Customer service"),
        Status.DONE,
        100,
        "Seven stages, walked with two customers in the room.",
        50,
    ),
    "Agree the few priority experiences": Progress(
        Role.ADMIN,
        ("Operations", "Customer service", "Marketing"),
        Status.IN_PROGRESS,
        75,
        "Three of four agreed; delivery and returns still argue over ownership.",
        9,
    ),
    "Publish roles and handoffs for the priorities": Progress(
        Role.LEADERSHIP, ("Operations", "Customer service"), Status.IN_PROGRESS, 20, "Drafted for onboarding.", 5
    ),
    "Inventory the listening sources": Progress(
        Role.LEADERSHIP,
        ("Marketing", "Customer service", "IT"),
        Status.DONE,
        100,
        "Fourteen sources, four of them unowned.",
        70,
    ),
    "Connect listening to the journey stages": Progress(
        Role.EXECUTIVE, ("Marketing", "IT"), Status.IN_PROGRESS, 40, "Surveys are tagged by stage; complaints next.", 15
    ),
    "Find the top reliability breakdowns": Progress(
        Role.LEADERSHIP,
        ("Operations", "Customer service"),
        Status.DONE,
        100,
        "Late deliveries and billing errors cause most complaints.",
        35,
    ),
    "Launch the first reliability fix with an operational owner": Progress(
        Role.EXECUTIVE,
        ("Operations", "IT"),
        Status.BLOCKED,
        30,
        "Waiting for the carrier-tracking integration, which IT has scheduled for next quarter.",
        6,
    ),
    "Choose one moment of truth to innovate": Progress(Role.CCO, ("Marketing", "Operations")),
    "Hold the first monthly customer room": Progress(
        Role.CCO,
        ("Finance", "Sales", "Marketing", "Operations"),
        Status.DONE,
        100,
        "Held; three actions agreed, each with an owner.",
        60,
    ),
    "Wire recognition to customer work": Progress(
        Role.ADMIN, ("Finance",), Status.IN_PROGRESS, 30, "Customer stories open every all-hands now.", 20
    ),
    "Report achievements to customers and internally": Progress(
        Role.LEADERSHIP, ("Marketing",), Status.IN_PROGRESS, 10, "First newsletter item drafted.", 3
    ),
}

# Per competency number, (stage, days ago, note), oldest first; the last one stands.
MATURITY = {
    1: [
        (Stage.NOT_STARTED, 115, "Each team counts customers its own way; nobody reports customers lost."),
        (Stage.EMERGING, 30, "The monthly feed runs and leaders see gains and losses; reasons are still patchy."),
    ],
    2: [(Stage.EMERGING, 45, "The journey is mapped across the silos; the priorities are not yet agreed.")],
    3: [
        (Stage.NOT_STARTED, 110, "Surveys sit with marketing and complaints with service; nobody connects them."),
        (Stage.EMERGING, 20, "Every source is listed with an owner; linking them to journey stages has begun."),
    ],
    4: [(Stage.EMERGING, 25, "The top breakdowns are known, with owners; the first fix is waiting on IT.")],
    5: [(Stage.ESTABLISHED, 14, "The customer room meets monthly; recognition is not yet tied to outcomes.")],
}


def seed_demo(*, organization, people) -> None:
    if Milestone.objects.for_organization(organization).exists():
        return
    cco, now = people[Role.CCO], timezone.now()
    begun = now - timedelta(weeks=BEGUN_WEEKS_AGO)
    areas = {name: _area(organization, name) for name in AREAS}
    touchpoints = seed_journey(organization=organization, people=people, areas=areas)
    seed_listening(organization=organization, people=people)
    seed_horizon(organization=organization, people=people)

    mark = timezone.now()
    milestones = {
        m.title: m
        for m in services.apply_starter_roadmap(
            organization=organization, created_by=cco, start=timezone.localdate(begun)
        )
    }
    for title, progress in PROGRESS.items():
        # Set directly rather than through update_milestone, which would email every owner of the demo.
        Milestone.objects.filter(pk=milestones[title].pk).update(owner=people[progress.owner])
        services.update_milestone(
            milestone=milestones[title],
            changed_by=cco,
            may_edit_all=True,
            areas=[areas[name] for name in progress.areas],
            touchpoint=touchpoints[JOURNEY_LINKS[title]] if title in JOURNEY_LINKS else None,
        )
    _backdate(organization, since=mark, to=begun)
    Milestone.objects.for_organization(organization).update(created_at=begun)

    for title, progress in PROGRESS.items():
        if progress.status == Status.PLANNED:
            continue
        mark = timezone.now()
        services.update_milestone(
            milestone=milestones[title],
            changed_by=people[progress.owner],
            may_edit_all=False,
            status=progress.status,
            percent_complete=progress.percent,
            **{"blocked_reason" if progress.status == Status.BLOCKED else "notes": progress.note},
        )
        _backdate(organization, since=mark, to=now - timedelta(days=progress.days_ago))

    seed_reliability(organization=organization, people=people, touchpoints=touchpoints)

    # The demo's people hear about late milestones from this page, not from a pile of console emails.
    Milestone.objects.for_organization(organization).overdue().update(overdue_notified_at=now)

    for number, stages in MATURITY.items():
        for stage, days_ago, note in stages:
            assessment = services.set_maturity_stage(
                organization=organization,
                competency=Competency.objects.get(number=number),
                stage=stage,
                note=note,
                assessed_by=cco,
            )
            MaturityAssessment.objects.filter(pk=assessment.pk).update(assessed_at=now - timedelta(days=days_ago))


def _area(organization, name: str) -> OperationalArea:
    existing = OperationalArea.objects.for_organization(organization).filter(name__iexact=name).first()
    return existing or services.add_operational_area(organization=organization, name=name)


def _backdate(organization, *, since: datetime, to: datetime) -> None:
    """Move the history recorded since `since` to `to`, as if the changes had been made then."""
    Milestone.history.filter(organization=organization, history_date__gte=since).update(history_date=to)
