"""Every page and API endpoint under an organization, for every role: allowed, 403, or 404 from outside.

The routes are found by walking the URL resolver, so a new view joins this test automatically: it
fails until the view is given its expected roles in ACCESS below.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import time, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from knox.models import AuthToken

from assessments.models import Kind
from assessments.services import invite_to_round
from cco_portal.organizations.models import Organization
from cco_portal.organizations.roles import ADMINS, ANY_MEMBER, MANAGERS, Role
from cco_portal.organizations.scoping import OrganizationMixin, OrganizationScopedAPIMixin
from cco_portal.sso.services import save_identity_provider
from metrics.charter.selectors import SIGNERS
from metrics.charter.services import propose_charter
from metrics.feeds import feed_key
from metrics.sources.models import DataSource
from reports.meetings.decision import propose_candidate
from reports.meetings.models import CustomerStory
from reports.meetings.selectors import PROPOSERS, leaders
from reports.meetings.services import schedule_next_meeting, set_meeting_series
from reports.models import CustomerRoomAction, Report, ReportStatus
from roadmap.journey.selectors import LEADERS, current_version
from roadmap.journey.services import add_stage, add_touchpoint, propose_priority
from roadmap.listening.services import add_source, attach_feed
from roadmap.models import Milestone
from roadmap.reliability.models import MomentOfTruth
from roadmap.reliability.services import choose_moment, report_issue
from tests.assessments.factories import InviteeFactory, RoundFactory
from tests.factories import InvitationFactory, MembershipFactory, OrganizationFactory, UserFactory
from tests.metrics.factories import ActivityImportFactory, DataSourceFactory
from tests.populated import database_snapshot
from tests.roadmap.factories import MilestoneFactory, OperationalAreaFactory
from tests.second_factor.codes import give_authenticator

ORG_KWARG = "org_slug"


@dataclass(frozen=True)
class Access:
    roles: frozenset[str]
    status: int  # the answer to a role that may
    # The request's body: a dict, or a function of the organization the URL names for a body that names one of
    # its rows (the leaders a meeting invites).
    data: dict | Callable[[Organization], dict] | None = None
    invited: bool = False  # the member under test is first invited to the round (objects["round"])

    def body(self, organization: Organization) -> dict | None:
        return self.data(organization) if callable(self.data) else self.data


# Dates of a round opened through the page: from today, for two weeks.
TODAY = timezone.localdate()
# This month, as the report pages' month choices write it; a complete customer-room action form.
THIS_MONTH = TODAY.strftime("%Y-%m")
ACTION_FORM = {"month": THIS_MONTH, "title": "Call every customer lost to price", "status": "open"}
# A complete milestone form, as the CCO sends it from the roadmap pages.
MILESTONE_FORM = {"competency": 2, "title": "Map the journey", "status": "planned", "percent_complete": 0}

# A complete monthly meeting, on the page and in the API, inviting a leader of the organization the URL names; and
# a meeting moved to a day still to come.
SERIES_API = {
    "week_of_month": 2,
    "weekday": 1,
    "start_time": "09:00",
    "time_zone": "Europe/Paris",
    "duration_minutes": 90,
}


def _first_leader(organization: Organization) -> list[int]:
    return [leaders(organization).values_list("pk", flat=True).first()]


def series_form(organization: Organization) -> dict:
    return {**SERIES_API, "rule": "weekday", "invited": _first_leader(organization)}


def series_body(organization: Organization) -> dict:
    return {**SERIES_API, "invited": _first_leader(organization)}


def meeting_form(organization: Organization) -> dict:
    return {"day": "2099-03-10", "start_time": "09:00", "duration_minutes": 60, "invited": _first_leader(organization)}


# A complete customer-asset charter version.
CHARTER_FORM = {"customer_definition": "Buyers", "value_definition": "Revenue", "intent": "Ours"}

# A complete data source, as the page and the API take it: a file at an address nothing answers.
SOURCE_FORM = {
    "name": "Billing",
    "kind": "url",
    "target": "activity",
    "mode": "replace",
    "url": "http://127.0.0.1:9/x.csv",
}


def sign_on_body(organization: Organization) -> dict:
    """Single sign-on as the API takes it, with a domain of the organization the URL names (each domain belongs
    to one organization); the stored client secret is kept."""
    return {"issuer": "https://idp.example.com", "client_id": "portal", "domains": [f"{organization.slug}.example.com"]}


def sign_on_form(organization: Organization) -> dict:
    return {**sign_on_body(organization), "domains": f"{organization.slug}.example.com"}


# (url name, method) -> who may, and what they get.
ACCESS = {
    ("organizations:home", "get"): Access(ANY_MEMBER, 200),
    ("organizations:members", "get"): Access(ADMINS, 200),
    ("organizations:invite", "get"): Access(ADMINS, 200),
    ("organizations:invite", "post"): Access(ADMINS, 302, {"email": "new@example.com", "role": Role.EXECUTIVE}),
    ("organizations:member_roles", "get"): Access(ADMINS, 200),
    ("organizations:member_roles", "post"): Access(ADMINS, 302, {"roles": [Role.LEADERSHIP]}),
    ("organizations:member_remove", "get"): Access(ADMINS, 200),
    ("organizations:member_remove", "post"): Access(ADMINS, 302),
    ("organizations:invitation_revoke", "post"): Access(ADMINS, 302),
    ("organizations:invitation_resend", "post"): Access(ADMINS, 302),
    ("organizations:settings", "get"): Access(ADMINS, 200),
    ("organizations:settings", "post"): Access(ADMINS, 302, {"name": "Renamed", "report_to_executives": "on"}),
    ("api-organization", "get"): Access(ANY_MEMBER, 200),
    ("api-organization", "patch"): Access(ADMINS, 200, {"report_to_executives": True}),
    ("api-organization", "put"): Access(ADMINS, 200, {"name": "Renamed"}),
    ("api-membership-list", "get"): Access(ANY_MEMBER, 200),
    ("api-membership-list", "post"): Access(ADMINS, 201, {"email": "target@example.com", "role": Role.CCO}),
    ("api-membership-detail", "get"): Access(ANY_MEMBER, 200),
    ("api-membership-detail", "delete"): Access(ADMINS, 204),
    ("api-invitation-list", "get"): Access(ADMINS, 200),
    ("api-invitation-list", "post"): Access(ADMINS, 201, {"email": "new@example.com", "role": Role.EXECUTIVE}),
    ("api-invitation-detail", "get"): Access(ADMINS, 200),
    ("api-invitation-detail", "delete"): Access(ADMINS, 204),
    ("api-member-tokens", "get"): Access(ADMINS, 200),
    ("api-member-token-detail", "delete"): Access(ADMINS, 204),
    ("member_second_factor_reset", "post"): Access(ADMINS, 302),
    ("api-member-second-factor", "delete"): Access(ADMINS, 204),
    ("member_api_tokens", "get"): Access(ADMINS, 200),
    # A key that names no member's token: the admin is let in and finds nothing, the others are refused.
    ("member_api_tokens", "post"): Access(ADMINS, 404, {"revoke": "nosuchtoken0000"}),
    ("api-questionnaire-list", "get"): Access(ANY_MEMBER, 200),
    ("api-round-list", "get"): Access(ANY_MEMBER, 200),
    ("api-round-list", "post"): Access(
        MANAGERS,
        201,
        {"kind": "readiness", "title": "Q3", "closes_on": "2099-12-31", "invitee_emails": ["target@example.com"]},
    ),
    ("api-round-detail", "get"): Access(ANY_MEMBER, 200),
    # Only invitees answer; a member who is not invited gets 403 (invitees: tests/assessments/test_api.py).
    ("api-my-response", "get"): Access(ANY_MEMBER, 403),
    ("api-my-response", "post"): Access(ANY_MEMBER, 403),
    ("api-my-response", "put"): Access(ANY_MEMBER, 403),
    ("api-my-response-submit", "post"): Access(ANY_MEMBER, 403),
    # Executives read a round's results once they have submitted their answers; a new member has not.
    ("api-round-results", "get"): Access(MANAGERS | {Role.LEADERSHIP}, 200),
    ("api-round-reminders", "post"): Access(MANAGERS, 200, {"days": [5, 1]}),
    ("api-round-nudge", "post"): Access(MANAGERS, 200, {}),
    ("api-round-extend", "post"): Access(MANAGERS, 200, {"closes_on": "2099-12-31"}),
    ("api-round-close", "post"): Access(MANAGERS, 200),
    ("assessments:index", "get"): Access(ANY_MEMBER, 200),
    ("assessments:open_round", "get"): Access(MANAGERS, 200),
    ("assessments:open_round", "post"): Access(
        MANAGERS,
        302,
        {
            "title": "Readiness, spring",
            "opens_on": TODAY.isoformat(),
            "closes_on": (TODAY + timedelta(days=14)).isoformat(),
            "invitee_emails": "newcomer@example.com",
        },
    ),
    # Members of every role answer the rounds they are invited to; an invitee who has not submitted is
    # sent from the round's link to the survey. Who is not invited: tests/assessments/test_views.py.
    ("assessments:round", "get"): Access(ANY_MEMBER, 302, invited=True),
    ("assessments:answer", "get"): Access(ANY_MEMBER, 200, invited=True),
    ("assessments:answer", "post"): Access(
        ANY_MEMBER, 302, {"mode": "one", "q": "1", "q1-choice": "yes", "go": "next"}, invited=True
    ),
    ("assessments:review", "get"): Access(ANY_MEMBER, 200, invited=True),
    # Refused with a message (nothing is answered yet) and sent back to the review page.
    ("assessments:review", "post"): Access(ANY_MEMBER, 302, invited=True),
    # An executive reads the results once they have submitted; the invited executive under test has not.
    ("assessments:results", "get"): Access(MANAGERS | {Role.LEADERSHIP}, 200, invited=True),
    ("assessments:results_csv", "get"): Access(MANAGERS | {Role.LEADERSHIP}, 200, invited=True),
    ("assessments:invitees", "get"): Access(MANAGERS, 200),
    ("assessments:invitees", "post"): Access(MANAGERS, 302, {"invitee_emails": "late@example.com"}),
    ("assessments:reminder_days", "post"): Access(MANAGERS, 302, {"reminder_days": "5, 1"}),
    ("assessments:nudge_waiting", "post"): Access(MANAGERS, 302),
    ("assessments:nudge_invitee", "post"): Access(MANAGERS, 302),
    ("assessments:extend", "post"): Access(MANAGERS, 302, {"closes_on": "2099-12-31"}),
    ("assessments:close", "post"): Access(MANAGERS, 302),
    ("roadmap:overview", "get"): Access(ANY_MEMBER, 200),
    ("roadmap:starter", "post"): Access(MANAGERS, 302),
    ("roadmap:board", "get"): Access(ANY_MEMBER, 200),
    ("roadmap:board", "post"): Access(MANAGERS, 302, {"stage": 2, "note": "Leaders now count customers monthly."}),
    ("roadmap:timeline", "get"): Access(ANY_MEMBER, 200),
    ("roadmap:mine", "get"): Access(ANY_MEMBER, 200),
    ("roadmap:milestones", "get"): Access(ANY_MEMBER, 200),
    ("roadmap:milestones_csv", "get"): Access(ANY_MEMBER, 200),
    ("roadmap:milestone_create", "get"): Access(MANAGERS, 200),
    ("roadmap:milestone_create", "post"): Access(MANAGERS, 302, MILESTONE_FORM),
    ("roadmap:milestone", "get"): Access(ANY_MEMBER, 200),
    # cco and admin change everything; a milestone's owner (of any role) its progress, which the member
    # under test does not own: tests/roadmap/test_views.py follows an owner.
    ("roadmap:milestone", "post"): Access(MANAGERS, 302, MILESTONE_FORM),
    ("roadmap:milestone_delete", "get"): Access(MANAGERS, 200),
    ("roadmap:milestone_delete", "post"): Access(MANAGERS, 302),
    ("roadmap:areas", "get"): Access(MANAGERS, 200),
    ("roadmap:areas", "post"): Access(MANAGERS, 302, {"action": "add", "new-name": "Logistics"}),
    ("api-competency-list", "get"): Access(ANY_MEMBER, 200),
    ("api-maturity-list", "get"): Access(ANY_MEMBER, 200),
    ("api-maturity-list", "post"): Access(MANAGERS, 201, {"competency": 1, "stage": 2, "note": "Counted monthly."}),
    ("api-operational-area-list", "get"): Access(ANY_MEMBER, 200),
    ("api-operational-area-list", "post"): Access(MANAGERS, 201, {"name": "Logistics"}),
    ("api-operational-area-detail", "get"): Access(ANY_MEMBER, 200),
    ("api-operational-area-detail", "patch"): Access(MANAGERS, 200, {"name": "Field sales"}),
    ("api-operational-area-detail", "delete"): Access(MANAGERS, 204),
    ("api-milestone-list", "get"): Access(ANY_MEMBER, 200),
    ("api-milestone-list", "post"): Access(MANAGERS, 201, {"competency": 2, "title": "Map the journey"}),
    ("api-milestone-detail", "get"): Access(ANY_MEMBER, 200),
    # As on the page, a milestone's owner of any role changes its progress: tests/roadmap/test_api.py.
    ("api-milestone-detail", "patch"): Access(MANAGERS, 200, {"percent_complete": 50}),
    ("api-milestone-detail", "delete"): Access(MANAGERS, 204),
    ("api-milestone-history", "get"): Access(ANY_MEMBER, 200),
    ("api-starter-roadmap", "post"): Access(MANAGERS, 201),
    ("metrics:dashboard", "get"): Access(ANY_MEMBER, 200),
    ("metrics:customers", "get"): Access(ANY_MEMBER, 200),
    ("metrics:customers_csv", "get"): Access(ANY_MEMBER, 200),
    ("metrics:imports", "get"): Access(MANAGERS, 200),
    # Without a file the form comes back with its errors; uploads: tests/metrics/test_views.py.
    ("metrics:imports", "post"): Access(MANAGERS, 200),
    ("metrics:import", "get"): Access(MANAGERS, 200),
    ("metrics:import_status", "get"): Access(MANAGERS, 200),
    ("metrics:settings", "get"): Access(MANAGERS, 200),
    ("metrics:recompute", "post"): Access(MANAGERS, 302),
    ("metrics:settings", "post"): Access(MANAGERS, 302, {"activity_window": 12}),
    ("api-import-list", "get"): Access(MANAGERS, 200),
    # The upload takes multipart only, so a JSON body is refused as such; uploads: tests/metrics/test_api.py.
    ("api-import-list", "post"): Access(MANAGERS, 415),
    ("api-import-detail", "get"): Access(MANAGERS, 200),
    ("api-movements", "get"): Access(ANY_MEMBER, 200),
    ("api-movement-customers", "get"): Access(ANY_MEMBER, 200, {"month": "2024-01", "figure": "new"}),
    ("api-movement-reasons", "get"): Access(ANY_MEMBER, 200, {"month": "2024-01"}),
    ("api-period-movements", "get"): Access(ANY_MEMBER, 200, {"length": "quarter"}),
    ("api-period-movement-customers", "get"): Access(
        ANY_MEMBER, 200, {"length": "quarter", "period": "2024-Q1", "figure": "new"}
    ),
    ("api-metrics-settings", "get"): Access(ANY_MEMBER, 200),
    ("api-metrics-settings", "patch"): Access(MANAGERS, 200, {"activity_window": 12}),
    ("metrics:sources", "get"): Access(MANAGERS, 200),
    # The matrix's organization has no customer data: the reason is refused with what to fix, on the form.
    ("metrics:reason", "get"): Access(MANAGERS, 200),
    ("metrics:reason", "post"): Access(MANAGERS, 200, {"customer": "c1", "month": "2024-01", "reason": "Price"}),
    ("api-reason", "put"): Access(MANAGERS, 400, {"customer_id": "c1", "month": "2024-01", "reason": "Price"}),
    ("metrics:owners", "get"): Access(ANY_MEMBER, 200),
    # Refused with a message (the matrix's organization has no segments) and back to the page.
    ("metrics:owners", "post"): Access(MANAGERS, 302, {"segment": "North"}),
    ("api-figure-owners", "get"): Access(ANY_MEMBER, 200),
    ("api-figure-owners", "put"): Access(MANAGERS, 200, {"figure": "lost", "owner": None}),
    ("metrics:charter", "get"): Access(ANY_MEMBER, 200),
    ("metrics:charter_propose", "get"): Access(MANAGERS, 200),
    ("metrics:charter_propose", "post"): Access(MANAGERS, 302, CHARTER_FORM | {"intent": "Ours, reworded"}),
    ("metrics:charter_sign", "post"): Access(SIGNERS, 302, {"decision": "agree"}),
    # Recorded as agreed only once a leader agreed; refused with a message, and back to the charter.
    ("metrics:charter_agree", "post"): Access(MANAGERS, 302),
    ("api-charter-list", "get"): Access(ANY_MEMBER, 200),
    ("api-charter-list", "post"): Access(MANAGERS, 201, CHARTER_FORM | {"intent": "Ours, reworded"}),
    ("api-charter-signature", "put"): Access(SIGNERS, 200, {"decision": "agree"}),
    # Refused with the reason until a leader agreed: tests/metrics/charter/.
    ("api-charter-agree", "post"): Access(MANAGERS, 400),
    ("metrics:source_create", "get"): Access(MANAGERS, 200),
    ("metrics:source_create", "post"): Access(MANAGERS, 302, SOURCE_FORM),
    ("metrics:source", "get"): Access(MANAGERS, 200),
    ("metrics:source", "post"): Access(MANAGERS, 302, SOURCE_FORM),
    # Queued: the pull of an unreachable address fails in the background (tests/metrics/sources/).
    ("metrics:source_pull", "post"): Access(MANAGERS, 302),
    ("metrics:source_delete", "post"): Access(MANAGERS, 302),
    ("metrics:column_mapping", "get"): Access(MANAGERS, 200),
    ("metrics:column_mapping", "post"): Access(MANAGERS, 302, {"kind": "activity", "mapping": "Amount=revenue"}),
    ("api-data-source-list", "get"): Access(MANAGERS, 200),
    ("api-data-source-list", "post"): Access(MANAGERS, 201, SOURCE_FORM),
    ("api-data-source-detail", "get"): Access(MANAGERS, 200),
    ("api-data-source-detail", "patch"): Access(MANAGERS, 200, {"schedule": "0 6 * * *"}),
    ("api-data-source-detail", "delete"): Access(MANAGERS, 204),
    ("api-data-source-pull", "post"): Access(MANAGERS, 202),
    ("api-data-source-pulls", "get"): Access(MANAGERS, 200),
    ("api-column-mapping", "get"): Access(MANAGERS, 200),
    ("api-column-mapping", "put"): Access(MANAGERS, 200, {"kind": "activity", "mapping": {"Amount": "revenue"}}),
    # The newest report's month (objects["report"]); without one, the page that says what to do next.
    ("reports:latest", "get"): Access(ANY_MEMBER, 302),
    ("reports:dashboard", "get"): Access(ANY_MEMBER, 200),
    ("reports:pdf", "get"): Access(ANY_MEMBER, 200),
    ("reports:csv", "get"): Access(ANY_MEMBER, 200),
    ("reports:schedule", "get"): Access(MANAGERS, 200),
    ("reports:schedule", "post"): Access(MANAGERS, 302, {"day_of_month": 3, "hour": 6, "enabled": "on"}),
    ("reports:compute", "post"): Access(MANAGERS, 302, {"month": THIS_MONTH}),
    ("reports:actions", "get"): Access(ANY_MEMBER, 200),
    ("reports:actions", "post"): Access(MANAGERS, 302, ACTION_FORM),
    ("reports:action", "get"): Access(MANAGERS, 200),
    ("reports:action", "post"): Access(MANAGERS, 302, ACTION_FORM),
    ("reports:action_milestone", "post"): Access(MANAGERS, 302),
    ("api-report-list", "get"): Access(ANY_MEMBER, 200),
    # The matrix's organization has no customer data: a manager passes the role check and is told so.
    ("api-report-list", "post"): Access(MANAGERS, 400, {"month": "2024-01"}),
    ("api-report-run", "get"): Access(ANY_MEMBER, 200),
    ("api-report-detail", "get"): Access(ANY_MEMBER, 200),
    ("api-report-schedule", "get"): Access(ANY_MEMBER, 200),
    ("api-report-schedule", "put"): Access(MANAGERS, 200, {"day_of_month": 3, "hour": 6, "enabled": True}),
    ("api-report-action-list", "get"): Access(ANY_MEMBER, 200),
    ("api-report-action-list", "post"): Access(MANAGERS, 201, {"month": "2024-01", "title": "Call lost customers"}),
    ("api-report-action-detail", "get"): Access(ANY_MEMBER, 200),
    ("api-report-action-detail", "put"): Access(MANAGERS, 200, {"month": "2024-01", "title": "Call them all"}),
    ("api-report-action-detail", "patch"): Access(MANAGERS, 200, {"status": "done"}),
    ("api-report-action-milestone", "post"): Access(MANAGERS, 201),
    ("roadmap:journey", "get"): Access(ANY_MEMBER, 200),
    # The map has a stage already: refused with a message, and back to the map.
    ("roadmap:journey_start", "post"): Access(MANAGERS, 302),
    ("roadmap:journey_stage_add", "post"): Access(MANAGERS, 302, {"new-stage-name": "Renew"}),
    ("roadmap:journey_stage", "post"): Access(MANAGERS, 302, {"action": "remove"}),
    # Without a stage the form comes back with what to fix; adding one: tests/roadmap/journey/test_views.py.
    ("roadmap:journey_touchpoint_add", "post"): Access(MANAGERS, 200, {"new-touchpoint-name": "Call"}),
    ("roadmap:journey_touchpoint", "post"): Access(MANAGERS, 302, {"action": "remove"}),
    ("roadmap:journey_versions", "get"): Access(ANY_MEMBER, 200),
    ("roadmap:journey_version", "get"): Access(ANY_MEMBER, 200),
    ("roadmap:journey_priorities", "get"): Access(ANY_MEMBER, 200),
    # Without a touchpoint the form comes back with what to fix; proposing: tests/roadmap/journey/test_views.py.
    ("roadmap:journey_priorities", "post"): Access(LEADERS, 200, {"experience": "Answered within a day"}),
    ("roadmap:journey_priority", "get"): Access(ANY_MEMBER, 200),
    ("roadmap:journey_priority_stance", "post"): Access(LEADERS, 302, {"stance": "commit"}),
    ("roadmap:journey_priority_decision", "post"): Access(MANAGERS, 302, {"outcome": "set_aside"}),
    ("api-journey-priority-list", "get"): Access(ANY_MEMBER, 200),
    # Without a touchpoint it is refused with the reason; proposing: tests/roadmap/journey/test_api.py.
    ("api-journey-priority-list", "post"): Access(LEADERS, 400, {"experience": "Answered within a day"}),
    ("api-journey-priority-detail", "get"): Access(ANY_MEMBER, 200),
    ("api-journey-priority-stance", "put"): Access(LEADERS, 200, {"stance": "commit"}),
    ("api-journey-priority-decision", "post"): Access(MANAGERS, 200, {"outcome": "set_aside"}),
    ("api-journey", "get"): Access(ANY_MEMBER, 200),
    # The map has a stage already: refused with the reason.
    ("api-journey-start", "post"): Access(MANAGERS, 400),
    ("api-journey-stage-list", "post"): Access(MANAGERS, 201, {"name": "Renew"}),
    ("api-journey-stage-detail", "patch"): Access(MANAGERS, 200, {"name": "Pick"}),
    ("api-journey-stage-detail", "delete"): Access(MANAGERS, 204),
    # Without a stage it is refused with the reason; adding one: tests/roadmap/journey/test_api.py.
    ("api-journey-touchpoint-list", "post"): Access(MANAGERS, 400, {"name": "Call"}),
    ("api-journey-touchpoint-detail", "patch"): Access(MANAGERS, 200, {"name": "Phone call"}),
    ("api-journey-touchpoint-detail", "delete"): Access(MANAGERS, 204),
    ("api-journey-version-list", "get"): Access(ANY_MEMBER, 200),
    # The listening path: every member reads; the CCO and admins shape it; the source under test belongs to the
    # target executive, so its report is the managers' to record here (its owner: tests/roadmap/listening/).
    ("roadmap:listening", "get"): Access(ANY_MEMBER, 200),
    ("roadmap:listening_source_add", "post"): Access(
        MANAGERS, 302, {"name": "Returns", "kind": "operational", "cadence": "31"}
    ),
    ("roadmap:listening_source", "get"): Access(ANY_MEMBER, 200),
    ("roadmap:listening_source", "post"): Access(MANAGERS, 302, {"action": "remove"}),
    ("roadmap:listening_source_report", "post"): Access(MANAGERS, 302, {"reported_on": "2024-01-31"}),
    # The data source under test is attached to the stage already: the form comes back with the reason.
    ("roadmap:listening_feed_add", "post"): Access(
        MANAGERS,
        200,
        lambda organization: {
            "stage": organization.journey_stages.get().pk,
            "feed_key": f"data-source-{organization.data_sources.get().pk}",
        },
    ),
    ("roadmap:listening_feed", "post"): Access(MANAGERS, 302),
    ("api-listening", "get"): Access(ANY_MEMBER, 200),
    # The five-year horizon: every member reads; the CCO and admins set the yearly goals.
    ("roadmap:horizon", "get"): Access(ANY_MEMBER, 200),
    ("roadmap:horizon", "post"): Access(MANAGERS, 302, {"competency": 3, "year": 2, "goal": "Every stage heard"}),
    ("api-horizon", "get"): Access(ANY_MEMBER, 200),
    ("api-horizon", "put"): Access(MANAGERS, 200, {"competency": 3, "year": 2, "goal": "Every stage heard"}),
    ("api-listening-source-list", "get"): Access(ANY_MEMBER, 200),
    ("api-listening-source-list", "post"): Access(
        MANAGERS, 201, {"name": "Returns", "kind": "operational", "cadence_days": 31}
    ),
    ("api-listening-source-detail", "get"): Access(ANY_MEMBER, 200),
    ("api-listening-source-detail", "patch"): Access(MANAGERS, 200, {"cadence_days": 92}),
    ("api-listening-source-detail", "delete"): Access(MANAGERS, 204),
    ("api-listening-source-reports", "get"): Access(ANY_MEMBER, 200),
    ("api-listening-source-reports", "post"): Access(MANAGERS, 201, {"reported_on": "2024-01-31"}),
    # Attached already: refused with the reason.
    ("api-listening-feed-list", "post"): Access(
        MANAGERS,
        400,
        lambda organization: {
            "stage": organization.journey_stages.get().pk,
            "feed_key": f"data-source-{organization.data_sources.get().pk}",
        },
    ),
    ("api-listening-feed-detail", "delete"): Access(MANAGERS, 204),
    ("api-journey-version-detail", "get"): Access(ANY_MEMBER, 200),
    ("api-reliability-issue-list", "get"): Access(ANY_MEMBER, 200),
    ("api-reliability-issue-list", "post"): Access(MANAGERS, 201, {"title": "Parcels left at the wrong door"}),
    # As on the page: the service lets the CCO, admins and the issue's area leader (none here) write.
    ("api-reliability-issue-detail", "get"): Access(ANY_MEMBER, 200),
    ("api-reliability-issue-detail", "patch"): Access(MANAGERS, 200, {"customers_touched": 3}),
    ("api-reliability-issue-status", "post"): Access(MANAGERS, 200, {"status": "investigating"}),
    ("api-reliability-issue-occurrences", "post"): Access(MANAGERS, 200, {"month": "2026-01", "count": 4}),
    # The issue is open, so a recurrence is refused with the reason; recurring: tests/roadmap/reliability.
    ("api-reliability-issue-recurrence", "post"): Access(MANAGERS, 400, {"note": "Back again"}),
    ("api-reliability-moment-list", "get"): Access(ANY_MEMBER, 200),
    # Without a touchpoint it is refused with the reason; choosing: tests/roadmap/reliability/test_api.py.
    ("api-reliability-moment-list", "post"): Access(MANAGERS, 400, {"intended_experience": "On the day"}),
    ("api-reliability-moment-detail", "get"): Access(ANY_MEMBER, 200),
    ("api-reliability-moment-detail", "patch"): Access(MANAGERS, 200, {"intended_experience": "On the day"}),
    ("api-reliability-moment-detail", "delete"): Access(MANAGERS, 204),
    ("api-reliability-moment-link", "post"): Access(
        MANAGERS, 200, lambda organization: {"milestone": Milestone.objects.for_organization(organization).first().pk}
    ),
    ("roadmap:reliability", "get"): Access(ANY_MEMBER, 200),
    ("roadmap:reliability", "post"): Access(MANAGERS, 302, {"title": "Parcels left at the wrong door"}),
    # Writing an issue is open to every member's request; the service lets the CCO, admins and the leader of the
    # issue's area through (the issue here has no area, so no leader), and refuses anyone else with 403.
    ("roadmap:reliability_issue", "get"): Access(ANY_MEMBER, 200),
    ("roadmap:reliability_issue", "post"): Access(MANAGERS, 302, {"title": "Late", "customers_touched": 3}),
    ("roadmap:reliability_issue_status", "post"): Access(MANAGERS, 302, {"status": "investigating"}),
    ("roadmap:reliability_issue_occurrences", "post"): Access(MANAGERS, 302, {"month": "2026-01", "count": 4}),
    # The issue is open, so the recurrence comes back with what to fix; recurring: tests/roadmap/reliability.
    ("roadmap:reliability_issue_recurrence", "post"): Access(MANAGERS, 200, {"note": "Back again"}),
    ("roadmap:reliability_moments", "get"): Access(ANY_MEMBER, 200),
    # Without a touchpoint the form comes back with what to fix; choosing: tests/roadmap/reliability.
    ("roadmap:reliability_moments", "post"): Access(MANAGERS, 200, {"intended_experience": "On the day"}),
    ("roadmap:reliability_moment", "post"): Access(MANAGERS, 302, {"action": "remove"}),
    ("roadmap:reliability_moment_link", "post"): Access(
        MANAGERS,
        302,
        lambda organization: {
            f"link-{MomentOfTruth.objects.for_organization(organization).first().pk}-milestone": (
                Milestone.objects.for_organization(organization).first().pk
            )
        },
    ),
    # The customer-room meeting: every member reads; the CCO and admins set the series and run the meetings.
    ("reports:meetings", "get"): Access(ANY_MEMBER, 200),
    ("reports:meeting_series", "get"): Access(MANAGERS, 200),
    ("reports:meeting_series", "post"): Access(MANAGERS, 302, series_form),
    # The organization under test has a series (objects["series"]): the next meeting not yet scheduled is.
    ("reports:meeting_schedule_next", "post"): Access(MANAGERS, 302),
    ("reports:meeting", "get"): Access(ANY_MEMBER, 200),
    ("reports:meeting_ics", "get"): Access(ANY_MEMBER, 200),
    ("reports:meeting_edit", "get"): Access(MANAGERS, 200),
    ("reports:meeting_edit", "post"): Access(MANAGERS, 302, meeting_form),
    ("reports:meeting_cancel", "post"): Access(MANAGERS, 302),
    ("api-meeting-series", "get"): Access(ANY_MEMBER, 200),
    ("api-meeting-series", "put"): Access(MANAGERS, 200, series_body),
    ("api-meeting-list", "get"): Access(ANY_MEMBER, 200),
    # A month gone by: recorded without invitations.
    ("api-meeting-list", "post"): Access(MANAGERS, 201, {"report_month": "2024-01"}),
    ("api-meeting-detail", "get"): Access(ANY_MEMBER, 200),
    ("api-meeting-detail", "patch"): Access(
        MANAGERS, 200, {"starts_at": "2099-03-10T09:00:00+01:00", "duration_minutes": 60}
    ),
    ("api-meeting-cancel", "post"): Access(MANAGERS, 200),
    ("api-meeting-calendar", "get"): Access(ANY_MEMBER, 200),
    # Leaders propose and rank their own candidates; the CCO and admins start the meeting and record the decision.
    ("reports:meeting_propose", "post"): Access(PROPOSERS, 302, {"title": "Call every lost customer"}),
    # The candidate under test is the target executive's: only its proposer withdraws or changes it, so every
    # role is refused here (the proposer: tests/reports/meetings/test_decision_views.py).
    ("reports:meeting_withdraw", "post"): Access(PROPOSERS, 403),
    # It is a candidate of this meeting, not one an earlier meeting did not choose: refused with a message.
    ("reports:meeting_propose_again", "post"): Access(PROPOSERS, 302),
    ("reports:meeting_rank", "post"): Access(PROPOSERS, 302, {}),
    ("reports:meeting_start", "post"): Access(MANAGERS, 302),
    # Nothing chosen: the page again, with the reason.
    ("reports:meeting_decide", "post"): Access(MANAGERS, 200, {}),
    ("api-meeting-candidates", "get"): Access(ANY_MEMBER, 200),
    ("api-meeting-candidates", "post"): Access(PROPOSERS, 201, {"title": "Call every lost customer"}),
    ("api-meeting-candidate", "get"): Access(ANY_MEMBER, 200),
    ("api-meeting-candidate", "patch"): Access(PROPOSERS, 403, {"title": "Taken over"}),
    ("api-meeting-candidate", "delete"): Access(PROPOSERS, 403),
    ("api-meeting-propose-again", "post"): Access(PROPOSERS, 400),
    ("api-meeting-ranking", "get"): Access(ANY_MEMBER, 200),
    ("api-meeting-ranking", "put"): Access(PROPOSERS, 200, {"candidates": []}),
    ("api-meeting-start", "post"): Access(MANAGERS, 200),
    ("api-meeting-decision", "post"): Access(MANAGERS, 400, {"agreed": []}),
    # The meeting's record: every member reads it; the CCO and admins pick stories, record attendance, close it and
    # correct its minutes. The meeting under test has not begun and its month has no data: a customer is refused
    # as a story, attendance and closing wait for the meeting, a correction for its closing (the page again, or a
    # message), and its minutes are not published yet.
    ("reports:meeting_story_pick", "post"): Access(MANAGERS, 200, {"customer": "nobody"}),
    # Back to the list with what was done or why not (no customer "nobody" moved in the month).
    ("reports:meeting_story_from_list", "post"): Access(
        MANAGERS, 302, {"customer": "nobody", "month": "2024-04", "figure": "lost"}
    ),
    ("reports:meeting_story_note", "post"): Access(MANAGERS, 302, {"note": "Left for a cheaper offer"}),
    ("reports:meeting_story_remove", "post"): Access(MANAGERS, 302),
    ("reports:meeting_attendance", "post"): Access(MANAGERS, 200, {}),
    ("reports:meeting_close", "post"): Access(MANAGERS, 302),
    ("reports:meeting_correct", "post"): Access(MANAGERS, 200, {"text": "Eve was there"}),
    ("reports:meeting_minutes", "get"): Access(ANY_MEMBER, 302),
    ("api-meeting-stories", "get"): Access(ANY_MEMBER, 200),
    ("api-meeting-stories", "post"): Access(MANAGERS, 400, {"customer": "nobody"}),
    ("api-meeting-story", "get"): Access(ANY_MEMBER, 200),
    ("api-meeting-story", "patch"): Access(MANAGERS, 200, {"note": "Left for a cheaper offer"}),
    ("api-meeting-story", "delete"): Access(MANAGERS, 204),
    ("api-meeting-attendance", "get"): Access(ANY_MEMBER, 200),
    ("api-meeting-attendance", "put"): Access(MANAGERS, 400, {"present": []}),
    ("api-meeting-close", "post"): Access(MANAGERS, 400),
    ("api-meeting-corrections", "get"): Access(ANY_MEMBER, 200),
    ("api-meeting-corrections", "post"): Access(MANAGERS, 400, {"text": "Eve was there"}),
    ("api-meeting-minutes", "get"): Access(ANY_MEMBER, 404),
    # Single sign-on decides who may sign in: admins only. The sign-in routes themselves (/sso/) name no organization.
    ("sign_on_settings", "get"): Access(ADMINS, 200),
    ("sign_on_settings", "post"): Access(ADMINS, 302, sign_on_form),
    ("api-sign-on", "get"): Access(ADMINS, 200),
    ("api-sign-on", "put"): Access(ADMINS, 200, sign_on_body),
    ("api-sign-on", "delete"): Access(ADMINS, 204),
    ("audit:log", "get"): Access(ADMINS, 200),
    ("audit:csv", "get"): Access(ADMINS, 200),
    ("api-audit-events", "get"): Access(ADMINS, 200),
}

# What each route's other URL arguments point at: objects of the organization under test.
OBJECT_KWARGS = {
    "user_id": lambda objects: objects["target"].user_id,
    "invitation_id": lambda objects: objects["invitation"].pk,
    "round_id": lambda objects: objects["round"].pk,
    "invitee_id": lambda objects: objects["invitee"].pk,
    "token_key": lambda objects: objects["api_token"].token_key,
    "milestone_id": lambda objects: objects["milestone"].pk,
    "import_id": lambda objects: objects["activity_import"].pk,
    "source_id": lambda objects: objects["source"].pk,
    "area_id": lambda objects: objects["area"].pk,
    "month": lambda objects: objects["report"].month_label,
    "report_id": lambda objects: objects["report"].pk,
    "action_id": lambda objects: objects["action"].pk,
    "meeting_id": lambda objects: objects["meeting"].pk,
    "candidate_id": lambda objects: objects["candidate"].pk,
    "story_id": lambda objects: objects["story"].pk,
    "version": lambda objects: objects["charter"].version,
    "stage_id": lambda objects: objects["stage"].pk,
    "touchpoint_id": lambda objects: objects["touchpoint"].pk,
    "map_version": lambda objects: objects["journey_version"].number,
    "priority_id": lambda objects: objects["priority"].pk,
    "issue_id": lambda objects: objects["issue"].pk,
    "moment_id": lambda objects: objects["moment"].pk,
    "listening_source_id": lambda objects: objects["listening_source"].pk,
    "stage_feed_id": lambda objects: objects["stage_feed"].pk,
    "number": lambda objects: objects["milestone"].competency.number,
    "kind": lambda objects: objects.get("kind", Kind.READINESS.value),
    "pk": lambda objects: objects[("invitation" if "invitation" in objects["_name"] else "target")].pk,
}


def walk_routes(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk_routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + str(pattern.pattern), namespace + pattern.name, pattern.callback


def organization_routes():
    """(route, url name, view callback) of every URL that names an organization."""
    return [route for route in walk_routes(get_resolver().url_patterns) if f"<slug:{ORG_KWARG}>" in route[0]]


def _view_class(callback):
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


def view_methods(callback) -> set[str]:
    actions = getattr(callback, "actions", None)
    if actions:
        return set(actions) - {"head", "options"}
    view_class = _view_class(callback)
    return {m for m in view_class.http_method_names if m not in ("head", "options") and hasattr(view_class, m)}


def test_every_organization_route_is_in_the_access_table():
    """A new page or endpoint under /o/<slug>/ or /api/v1/orgs/<slug>/ must declare who may use it."""
    found = {(name, method) for _, name, callback in organization_routes() for method in view_methods(callback)}
    assert found == set(ACCESS), f"add to ACCESS: {sorted(found - set(ACCESS))}; stale: {sorted(set(ACCESS) - found)}"


def test_every_organization_route_uses_the_scoping_mechanism():
    """No view under an organization may bypass the shared scoping mixins."""
    for route, name, callback in organization_routes():
        assert issubclass(_view_class(callback), OrganizationMixin | OrganizationScopedAPIMixin), (route, name)


def _objects_of(organization, target_email: str = "target@example.com") -> dict:
    """The objects of `organization` that object-bound routes point at."""
    target_user = UserFactory(email=target_email)
    return {
        "target": MembershipFactory(organization=organization, user=target_user, role=Role.EXECUTIVE),
        "invitation": InvitationFactory(organization=organization, email="pending@example.com"),
        "round": (round_ := RoundFactory(organization=organization)),
        "invitee": InviteeFactory(round=round_, user=target_user),
        "api_token": AuthToken.objects.create(user=target_user)[0],
        # The member whose lost second factor an admin resets.
        "target_authenticator": give_authenticator(target_user),
        "milestone": MilestoneFactory(organization=organization),
        "area": OperationalAreaFactory(organization=organization),
        "activity_import": ActivityImportFactory(organization=organization),
        "source": DataSourceFactory(organization=organization),
        "report": Report.objects.create(
            organization=organization,
            month=2024 * 12,
            data_version=1,
            status=ReportStatus.DONE,
            figures={"organization": organization.name, "month": "2024-01", "data_version": 1, "bridge": None},
        ),
        "action": CustomerRoomAction.objects.create(organization=organization, month=2024 * 12, title="Call them"),
        "charter": propose_charter(organization=organization, proposed_by=None, **CHARTER_FORM),
        **_journey_of(organization, target_user),
        **_meeting_of(organization, target_user),
        "identity_provider": save_identity_provider(
            organization=organization,
            acting_user=None,
            issuer="https://idp.example.com",
            client_id="portal",
            client_secret="secret",
            domains=[f"{organization.slug}.example.com"],
        ),
    }


def _journey_of(organization, owner) -> dict:
    """A map with one stage and one touchpoint, and so two versions, and a priority in discussion; a survey
    `owner` owns listening at the stage, where the organization's data source listens too."""
    stage = add_stage(organization=organization, name="Choose", changed_by=None)
    touchpoint = add_touchpoint(organization=organization, stage=stage, name="Website", changed_by=None)
    priority = propose_priority(
        organization=organization, touchpoint=touchpoint, experience="Found at once", proposed_by=None, roles=LEADERS
    )
    return {
        "stage": stage,
        "touchpoint": touchpoint,
        "journey_version": current_version(organization),
        "priority": priority,
        "issue": report_issue(organization=organization, title="Late", touchpoint=touchpoint, reported_by=None),
        "moment": choose_moment(
            organization=organization, touchpoint=touchpoint, intended_experience="Found at once", chosen_by=None
        ),
        "listening_source": add_source(
            organization=organization,
            added_by=None,
            name="After-purchase survey",
            kind="survey",
            cadence_days=31,
            stages=[stage],
            owner=owner,
        ),
        "stage_feed": attach_feed(
            organization=organization,
            stage=stage,
            feed_key=feed_key(DataSource.objects.for_organization(organization).get().pk),
            attached_by=None,
        ),
    }


def _meeting_of(organization, leader) -> dict:
    """The organization's monthly meeting inviting `leader`, its next meeting, still to come, and a candidate action
    `leader` proposed for it."""
    series = set_meeting_series(
        organization=organization,
        changed_by=None,
        invited=[leader],
        **{**SERIES_API, "start_time": time(9)},
    )
    meeting = schedule_next_meeting(organization=organization, scheduled_by=None)
    candidate = propose_candidate(meeting=meeting, proposed_by=leader, roles={Role.EXECUTIVE}, title="Call them")
    # Picked straight into the table: the meeting's month has no customer data to pick from.
    story = CustomerStory.objects.create(
        organization=organization, meeting=meeting, customer="ann", movement="lost", history=[["2024-01", 0]]
    )
    return {"series": series, "meeting": meeting, "candidate": candidate, "story": story}


@pytest.fixture
def objects(organization):
    return _objects_of(organization)


def organization_url(name: str, organization, objects) -> str:
    route = next(route for route, route_name, _ in organization_routes() if route_name == name)
    kwargs = {ORG_KWARG: organization.slug}
    for kwarg, value in OBJECT_KWARGS.items():
        if f":{kwarg}>" in route or f"<{kwarg}>" in route:
            kwargs[kwarg] = value({**objects, "_name": name})
    return reverse(name, kwargs=kwargs)


def _request(client, method: str, url: str, data: dict | None, is_api: bool):
    if is_api:
        return getattr(client, method)(url, data or {}, content_type="application/json")
    return getattr(client, method)(url, data or {})


CASES = sorted(ACCESS)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("name", "method"), CASES)
def test_role_gets_what_its_role_allows(client, organization, objects, member_of, role, name, method):
    """A member whose role may use the route gets the route's answer; any other member gets 403."""
    access = ACCESS[(name, method)]
    user = member_of(role)
    if access.invited:
        invite_to_round(round_=objects["round"], invitees=[user])
    client.force_login(user)
    response = _request(
        client,
        method,
        organization_url(name, organization, objects),
        access.body(organization),
        name.startswith("api-"),
    )
    expected = access.status if role in access.roles or role == Role.ADMIN else 403
    assert response.status_code == expected, response.content[:300]


@pytest.mark.parametrize(("name", "method"), CASES)
def test_roles_come_from_the_organization_in_the_url(client, organization, other_organization, objects, name, method):
    """Given a person who is executive in A and admin in B, when they use a route under B and then the same
    route under A, then B answers as to an admin and A as to an executive: the roles are those held in the
    organization the URL names, whatever organization was used before."""
    person = UserFactory()
    MembershipFactory(organization=organization, user=person, role=Role.EXECUTIVE)
    MembershipFactory(organization=other_organization, user=person, role=Role.ADMIN)
    other_objects = _objects_of(other_organization, target_email="other-target@example.com")
    # The member whose address the role grant names is a member of B too: only members are given roles.
    MembershipFactory(organization=other_organization, user=objects["target"].user, role=Role.LEADERSHIP)
    access, is_api = ACCESS[(name, method)], name.startswith("api-")
    client.force_login(person)
    for org, org_objects, role in [
        (other_organization, other_objects, Role.ADMIN),
        (organization, objects, Role.EXECUTIVE),
    ]:
        if access.invited:
            invite_to_round(round_=org_objects["round"], invitees=[person])
        response = _request(client, method, organization_url(name, org, org_objects), access.body(org), is_api)
        expected = access.status if role in access.roles or role == Role.ADMIN else 403
        assert response.status_code == expected, (org.slug, response.content[:300])


@pytest.mark.parametrize("name", sorted({name for name, _ in CASES if name.startswith("api-")}))
def test_options_is_not_allowed_on_the_api(api_client, organization, objects, name):
    """OPTIONS answers 405: the OpenAPI schema describes the API (DRF's metadata failed on views without a
    serializer)."""
    api_client.force_authenticate(MembershipFactory(organization=organization, role=Role.ADMIN).user)
    assert api_client.options(organization_url(name, organization, objects)).status_code == 405


@pytest.mark.parametrize(("name", "method"), CASES)
def test_member_of_another_organization_gets_404(client, organization, objects, name, method):
    """An admin of another organization learns nothing: the organization might as well not exist."""
    outsider = UserFactory()
    MembershipFactory(organization=OrganizationFactory(), user=outsider, role=Role.ADMIN)
    client.force_login(outsider)
    access = ACCESS[(name, method)]
    response = _request(
        client,
        method,
        organization_url(name, organization, objects),
        access.body(organization),
        name.startswith("api-"),
    )
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "method"), CASES)
def test_anonymous_is_sent_to_sign_in(client, organization, objects, name, method):
    """Pages redirect to the sign-in page; the API answers 401."""
    access = ACCESS[(name, method)]
    url = organization_url(name, organization, objects)
    response = _request(client, method, url, access.body(organization), name.startswith("api-"))
    if name.startswith("api-"):
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "method"), CASES)
def test_unknown_organization_and_foreign_organization_answer_alike(
    client, organization, other_organization, name, method
):
    """A slug that exists elsewhere and a slug that exists nowhere give the same 404, on every route and with
    every method, aimed at the other organization's own objects; and nothing is written."""
    client.force_login(MembershipFactory(organization=organization, role=Role.ADMIN).user)
    other_objects = _objects_of(other_organization)
    access, is_api = ACCESS[(name, method)], name.startswith("api-")
    url = organization_url(name, other_organization, other_objects)
    before = database_snapshot()
    foreign = _request(client, method, url, access.body(other_organization), is_api)
    assert database_snapshot() == before
    missing = _request(
        client,
        method,
        url.replace(f"/{other_organization.slug}/", "/no-such-company/", 1),
        access.body(other_organization),
        is_api,
    )
    assert foreign.status_code == missing.status_code == 404
    assert _without_csrf_token(foreign.content) == _without_csrf_token(missing.content)


def _without_csrf_token(html: bytes) -> bytes:
    """CSRF tokens are masked differently in every response; nothing else may differ."""
    return re.sub(rb'(content|value)="[A-Za-z0-9]{64}"', b"", html)
