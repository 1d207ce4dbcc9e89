"""The demo organization's reliability log and moments of truth: five issues at the map's touchpoints with months
of counts, one resolved and back again, one resolved for good, and two moments of truth with their milestones.
Called by roadmap.demo, after the map and the milestones."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from cco_portal.organizations.roles import Role

from ..journey.models import Touchpoint
from ..models import Milestone, OperationalArea
from . import services
from .models import IssueEvent, IssueOccurrences, IssueStatus, ReliabilityIssue

# The touchpoints chosen as moments of truth, the experience intended there, and the starter milestone that
# builds it (linked to the touchpoint by the demo's roadmap or here).
MOMENTS = [
    (
        "Delivery",
        "Every order arrives on the day promised, tracked from dispatch to the door, left where the customer asked.",
        "Launch the first reliability fix with an operational owner",
    ),
    (
        "Onboarding call",
        "In the first week a named person calls, sets the product up with the customer and stays their contact.",
        "Choose one moment of truth to innovate",
    ),
]


def _month(months_ago: int) -> date:
    first = timezone.localdate().replace(day=1)
    for _step in range(months_ago):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


class _Story:
    """One issue told step by step, each step dated `days_ago` in its history, as if it had happened then."""

    def __init__(self, organization, people, touchpoint: Touchpoint, title: str, days_ago: int, **details):
        self.people = people
        # The map's touchpoints were drawn before the areas had leaders: read the leader as it is now.
        area = OperationalArea.objects.filter(pk=touchpoint.area_id).select_related("leader").first()
        self.leader = area.leader if area and area.leader else people[Role.CCO]
        self.roles = {role for role, person in people.items() if person == self.leader}
        mark = timezone.now()
        self.issue = services.report_issue(
            organization=organization, title=title, touchpoint=touchpoint, reported_by=people[Role.CCO], **details
        )
        self._backdate(mark, days_ago)
        ReliabilityIssue.objects.filter(pk=self.issue.pk).update(reported_at=timezone.now() - timedelta(days=days_ago))

    def _backdate(self, mark, days_ago: int) -> None:
        when = timezone.now() - timedelta(days=days_ago)
        IssueEvent.objects.filter(issue=self.issue, at__gte=mark).update(at=when)
        IssueOccurrences.objects.filter(issue=self.issue, recorded_at__gte=mark).update(recorded_at=when)

    def count(self, days_ago: int, **months: int) -> "_Story":
        """Counts by month, named m0 (this month), m1 (last month), …"""
        for name, count in months.items():
            mark = timezone.now()
            services.record_occurrences(
                issue=self.issue, month=_month(int(name[1:])), count=count, recorded_by=self.leader, roles=self.roles
            )
            self._backdate(mark, days_ago)
        return self

    def status(self, days_ago: int, status: str, note: str = "") -> "_Story":
        mark = timezone.now()
        services.change_status(issue=self.issue, status=status, changed_by=self.leader, roles=self.roles, note=note)
        self._backdate(mark, days_ago)
        return self


def seed_reliability(*, organization, people, touchpoints: dict[str, Touchpoint]) -> None:
    """Fill the log and choose the moments once."""
    if ReliabilityIssue.objects.for_organization(organization).exists():
        return
    (
        _Story(
            organization,
            people,
            touchpoints["Delivery"],
            "Parcels left at the wrong door",
            175,
            customers_touched=140,
            customer_share=Decimal("3.50"),
            root_cause="The drivers' app drops the floor and door code from the address; the northern carrier "
            "uses its own app, which never had them.",
        )
        .count(150, m5=38)
        .status(148, IssueStatus.INVESTIGATING)
        .count(120, m4=41)
        .status(110, IssueStatus.FIXING)
        .count(95, m3=35)
        .status(
            92, IssueStatus.RESOLVED, "The drivers' app shows the floor and door code; drivers photograph the door."
        )
        .count(60, m2=0)
        # Counted again after it was resolved: the issue reopens as a recurrence, with its history.
        .count(26, m1=17)
        .status(20, IssueStatus.INVESTIGATING)
        .status(9, IssueStatus.FIXING)
        .count(2, m0=6)
    )
    (
        _Story(
            organization,
            people,
            touchpoints["First invoice"],
            "First invoice sent twice",
            130,
            customers_touched=85,
            root_cause="The billing batch ran again after a time-out and nothing stopped a second send.",
        )
        .count(100, m3=22)
        .status(98, IssueStatus.FIXING)
        .count(70, m2=9)
        .status(64, IssueStatus.RESOLVED, "The batch now skips invoices already sent.")
        .count(30, m1=0)
    )
    (
        _Story(
            organization,
            people,
            touchpoints["Help desk"],
            "Callbacks not returned within a working day",
            80,
            customers_touched=310,
            customer_share=Decimal("7.75"),
            root_cause="Two open support roles; callbacks wait in a shared inbox nobody owns.",
        )
        .count(60, m2=120)
        .status(45, IssueStatus.INVESTIGATING)
        .count(30, m1=135)
        .count(3, m0=98)
    )
    (
        _Story(
            organization,
            people,
            touchpoints["Returns"],
            "Return labels not emailed",
            50,
            customers_touched=64,
            root_cause="The returns form fails silently when the order number has a suffix.",
        )
        .count(30, m1=30)
        .status(25, IssueStatus.FIXING)
        .count(4, m0=21)
    )
    _Story(
        organization,
        people,
        touchpoints["Account portal"],
        "Account portal signs customers out during checkout",
        6,
        customers_touched=23,
    ).count(5, m0=14)

    milestones = {m.title: m for m in Milestone.objects.for_organization(organization)}
    for touchpoint, experience, title in MOMENTS:
        moment = services.choose_moment(
            organization=organization,
            touchpoint=touchpoints[touchpoint],
            intended_experience=experience,
            chosen_by=people[Role.CCO],
        )
        if title in milestones and milestones[title].touchpoint_id != touchpoints[touchpoint].pk:
            services.link_milestone(moment=moment, milestone=milestones[title], changed_by=people[Role.CCO])
