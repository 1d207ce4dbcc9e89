"""Sample customer-room reports for the demo organization: the reports of the last 12 months, computed
from the demo's customer data by the same service as the worker, its monthly schedule, the customer-room
meetings (reports.meetings.demo), and a few actions leadership agreed, one of them already a roadmap milestone.

seed_demo runs after the metrics app's (INSTALLED_APPS order), whose imports leave the movements to be
computed once the seeding transaction commits: they are computed here first, as the reports need them."""

from datetime import timedelta

from django.utils import timezone

from cco_portal.organizations.roles import Role
from metrics import selectors as metrics
from metrics.months import month_index, month_start
from roadmap.models import Milestone

from . import actions, schedule, services
from .meetings.demo import seed_meetings
from .models import ActionStatus, CustomerRoomAction

MONTHS = 12

# (months before last month, title, owner's role, days after the meeting it is due, status)
ACTIONS = [
    (3, "Ask every customer lost this quarter why they left", Role.LEADERSHIP, 30, ActionStatus.DONE),
    (2, "Call every customer lost to price in the North", Role.CCO, 30, ActionStatus.DONE),
    (1, "Find out why service problems doubled in the South", Role.EXECUTIVE, 45, ActionStatus.OPEN),
    (0, "Win back the ten largest reactivated-then-lost accounts", Role.LEADERSHIP, 60, ActionStatus.OPEN),
    (0, "Put the lost-customer reasons on the sales dashboard", Role.EXECUTIVE, 21, ActionStatus.OPEN),
]
MILESTONE_ACTION = "Win back the ten largest reactivated-then-lost accounts"


def demo_report_months(today=None) -> list[int]:
    """The 12 months up to last month, the demo's last month of customer data."""
    last = month_index(today or timezone.localdate()) - 1
    return list(range(last - MONTHS + 1, last + 1))


def seed_demo(*, organization, people) -> None:
    """The schedule, the last 12 months' reports (those not yet computed from the current data) and the
    sample actions (once); nothing without customer data."""
    dataset = metrics.dataset(organization)
    if dataset is None or not dataset.version:
        return
    schedule.ensure_report_schedules()
    for month in demo_report_months():
        services.compute_report(organization=organization, month=month, notify=False)
    if not CustomerRoomAction.objects.for_organization(organization).exists():
        _seed_actions(organization, people)


def _seed_actions(organization, people) -> None:
    """The sample actions: those of the months whose customer-room meeting was held are agreed there (see
    reports.meetings.demo), the others recorded on the actions page; then each gets its status, and one becomes
    a roadmap milestone."""
    last = demo_report_months()[-1]
    cco = people[Role.CCO]

    def agreed_in(month: int, day) -> list:
        return [
            (title, people[role], day + timedelta(days=due_in))
            for months_before, title, role, due_in, _ in ACTIONS
            if last - months_before == month
        ]

    held = seed_meetings(organization=organization, people=people, agreed_in=agreed_in)
    recorded = {action.title: action for action in CustomerRoomAction.objects.for_organization(organization)}
    for months_before, title, role, due_in, status in ACTIONS:
        month = last - months_before
        action = recorded.get(title)
        if action is None and month not in held:
            meeting = month_start(month + 1) + timedelta(days=4)  # early in the month after, once the report is out
            action = actions.record_action(
                organization=organization,
                month=month,
                title=title,
                owner=people[role],
                due_date=meeting + timedelta(days=due_in),
                created_by=cco,
            )
        if action is None:
            continue
        if status != ActionStatus.OPEN:
            actions.update_action(action=action, status=status)
        if title == MILESTONE_ACTION and not Milestone.objects.for_organization(organization).filter(title=title):
            actions.make_action_milestone(action=action, created_by=cco)
