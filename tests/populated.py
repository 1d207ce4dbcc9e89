"""An organization with at least one object of every kind that a page or API route names by id.

The cross-organization tests aim one organization's routes at another's objects, and the API fuzzing
runs against real rows; both need every kind present, created the way the portal creates it.
"""

from datetime import date, time

from django.apps import apps
from knox.models import AuthToken

from assessments.models import Kind
from cco_portal.audit.models import Action
from cco_portal.audit.services import record_event
from cco_portal.organizations.roles import Role
from cco_portal.sso.services import save_identity_provider
from metrics.charter.services import propose_charter, sign_charter
from metrics.computation import compute_customer_movements
from metrics.feeds import feed_key
from metrics.models import ImportKind
from metrics.months import parse_month_label
from metrics.owners.services import set_figure_owner
from reports.meetings.decision import propose_candidate
from reports.meetings.models import CustomerStory
from reports.meetings.services import schedule_next_meeting, set_meeting_series
from roadmap.horizon.services import set_yearly_goal
from roadmap.journey.models import JourneyVersion
from roadmap.journey.services import (
    add_touchpoint,
    propose_priority,
    set_area_leader,
    set_stance,
    start_with_example_stages,
    update_stage,
)
from roadmap.listening.services import add_source, attach_feed, record_report
from roadmap.models import Competency
from roadmap.reliability import services as reliability
from tests.assessments.factories import InviteeFactory, RoundFactory, respond
from tests.factories import InvitationFactory, MembershipFactory, UserFactory
from tests.metrics.factories import DataSourceFactory
from tests.metrics.import_files import REASONS_HEADER, csv_bytes, run
from tests.reports.factories import CustomerRoomActionFactory, ReportFactory
from tests.roadmap.factories import MaturityAssessmentFactory, MilestoneFactory, OperationalAreaFactory

READINESS_QUESTIONS = 11


def populate(organization, *, tag: str, first_month: str, charter_versions: int = 1, journey_versions: int = 3) -> dict:
    """Create one of everything in `organization`; names carry `tag`, customer data starts in `first_month`
    (YYYY-MM) and runs three months, and the report is of its second month. The customer-asset charter has
    `charter_versions` versions (numbered per organization: more than another organization's names a version
    that one lacks), the last signed by the executive; the journey map likewise has `journey_versions` versions
    (at least 3). Returns the objects by kind."""
    year, month = map(int, first_month.split("-"))
    months = [f"{year + (month - 1 + i) // 12}-{(month - 1 + i) % 12 + 1:02d}" for i in range(3)]
    admin = UserFactory(email=f"{tag}-admin@example.com")
    MembershipFactory(organization=organization, user=admin, role=Role.ADMIN)
    member = UserFactory(email=f"{tag}-member@example.com")
    membership = MembershipFactory(organization=organization, user=member, role=Role.EXECUTIVE)
    area = OperationalAreaFactory(organization=organization, name=f"{tag} sales")
    first_milestone = MilestoneFactory(organization=organization, owner=member, areas=[area])
    milestone = MilestoneFactory(organization=organization, owner=member, areas=[area], dependencies=[first_milestone])
    round_ = RoundFactory(organization=organization, title=f"{tag} readiness")
    review = RoundFactory(organization=organization, kind=Kind.COMMITMENT, ceo=admin, title=f"{tag} review")
    invitee = InviteeFactory(round=review, user=member)
    customers = [f"{tag}-ann", f"{tag}-bob"]
    activity_import = run(
        organization,
        csv_bytes(
            [
                (customers[0], months[0], "100", f"{tag} North"),
                (customers[1], months[0], "50", f"{tag} South"),
                (customers[0], months[1], "120", f"{tag} North"),
                (customers[0], months[2], "90", f"{tag} North"),
            ]
        ),
    )
    run(
        organization,
        csv_bytes([(customers[1], months[1], f"{tag} price")], header=REASONS_HEADER),
        kind=ImportKind.REASONS,
        name="reasons.csv",
    )
    compute_customer_movements(organization=organization)
    record_event(action=Action.SIGNED_IN, actor=member, target=member.email)
    for version in range(1, charter_versions + 1):
        charter = propose_charter(
            organization=organization,
            proposed_by=admin,
            customer_definition=f"{tag} customers",
            value_definition=f"{tag} revenue",
            intent=f"{tag} intent {version}",
        )
    sign_charter(
        organization=organization, version=charter.version, user=member, roles={Role.EXECUTIVE}, decision="agree"
    )
    set_figure_owner(organization=organization, owner_id=member.pk, segment=f"{tag} North")
    stage = start_with_example_stages(organization=organization, changed_by=admin)[0]
    touchpoint = add_touchpoint(
        organization=organization, stage=stage, name=f"{tag} website", area=area, changed_by=admin
    )
    set_area_leader(area=area, leader=member, changed_by=admin)
    priority = propose_priority(
        organization=organization,
        touchpoint=touchpoint,
        experience=f"{tag} answers within a day",
        proposed_by=member,
        roles={Role.EXECUTIVE},
    )
    set_stance(organization=organization, priority=priority, user=member, roles={Role.EXECUTIVE}, stance="commit")
    data_source = DataSourceFactory(organization=organization, name=f"{tag} billing")
    listening_source = add_source(
        organization=organization,
        added_by=admin,
        name=f"{tag} after-purchase survey",
        kind="survey",
        cadence_days=31,
        stages=[stage],
        owner=member,
    )
    record_report(
        source=listening_source,
        recorded_by=member,
        roles={Role.EXECUTIVE},
        reported_on=date(year, month, 1),
        note=f"{tag} satisfaction 4.1",
    )
    stage_feed = attach_feed(
        organization=organization, stage=stage, feed_key=feed_key(data_source.pk), attached_by=admin
    )
    set_yearly_goal(
        organization=organization,
        competency=Competency.objects.get(number=3),
        year=2,
        goal=f"{tag} every stage heard",
        target_stage=3,
        set_by=admin,
    )
    for number in range(3, journey_versions):
        update_stage(stage=stage, name=f"{tag} choose {number}", changed_by=admin)
    issue = reliability.report_issue(
        organization=organization,
        title=f"{tag} parcels at the wrong door",
        touchpoint=touchpoint,
        customers_touched=12,
        reported_by=admin,
    )
    reliability.record_occurrences(
        issue=issue, month=date(2024, 1, 1), count=7, recorded_by=member, roles={Role.EXECUTIVE}
    )
    moment = reliability.choose_moment(
        organization=organization, touchpoint=touchpoint, intended_experience=f"{tag} on time", chosen_by=admin
    )
    reliability.link_milestone(moment=moment, milestone=milestone, changed_by=admin)
    set_meeting_series(
        organization=organization,
        changed_by=admin,
        week_of_month=2,
        weekday=1,
        start_time=time(9),
        time_zone="Europe/Paris",
        duration_minutes=90,
        invited=[admin, member],
    )
    return {
        "admin": admin,
        "member": member,
        "membership": membership,
        "invitation": InvitationFactory(organization=organization, email=f"{tag}-invited@example.com"),
        "area": area,
        "milestone": milestone,
        "maturity": MaturityAssessmentFactory(organization=organization, assessed_by=member),
        "round": round_,
        "review": review,
        "invitee": invitee,
        "api_token": AuthToken.objects.create(user=member)[0],
        "response": respond(round_, member, "Y" * READINESS_QUESTIONS),
        "activity_import": activity_import,
        "source": data_source,
        "listening_source": listening_source,
        "stage_feed": stage_feed,
        "report": ReportFactory(organization=organization, month=parse_month_label(months[1])),
        "action": CustomerRoomActionFactory(
            organization=organization, owner=member, month=parse_month_label(months[1])
        ),
        "charter": charter,
        "stage": stage,
        "touchpoint": touchpoint,
        "priority": priority,
        "journey_version": JourneyVersion.objects.for_organization(organization).first(),
        "issue": issue,
        "moment": moment,
        "meeting": (meeting := schedule_next_meeting(organization=organization, scheduled_by=admin)),
        "candidate": propose_candidate(
            meeting=meeting, proposed_by=member, roles={Role.EXECUTIVE}, title=f"{tag} call the lost"
        ),
        # Picked straight into the table: the meeting's month has no customer data to pick from.
        "story": CustomerStory.objects.create(
            organization=organization,
            meeting=meeting,
            customer=customers[0],
            movement="lost",
            history=[[months[0], 1000000], [months[1], 0]],
            picked_by=admin,
        ),
        "identity_provider": save_identity_provider(
            organization=organization,
            acting_user=admin,
            issuer=f"https://{tag}.idp.example.com",
            client_id=f"{tag}-portal",
            client_secret=f"{tag}-secret",
            domains=[f"{tag}.example.com"],
        ),
        "customers": customers,
        "months": months,
        "reason": f"{tag} price",
    }


def database_snapshot() -> dict:
    """Every row of every table of the portal's models, to show that a refused request wrote nothing."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }
