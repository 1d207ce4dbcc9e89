"""The pages that run the customer room: the schedule with "compute now" and the status of recent
computations (cco and admin), and the customer-room actions (cco and admin change, everyone reads)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cco_portal.organizations.roles import Role
from metrics.months import month_index, month_label, month_start
from reports import actions as action_services
from reports.models import ActionStatus, CustomerRoomAction, ReportSchedule, ReportStatus
from roadmap import services as roadmap_services
from tests.reports.conftest import MARCH
from tests.reports.factories import CustomerRoomActionFactory, ReportFactory

pytestmark = pytest.mark.django_db

THIS_MONTH = timezone.localdate().strftime("%Y-%m")


def url(name: str, organization, **kwargs) -> str:
    return reverse(f"reports:{name}", kwargs={"org_slug": organization.slug, **kwargs})


def test_the_schedule_page_shows_each_computations_status(client, organization, admin_user):
    """Given a failed, a running and a done computation, when the admin opens the schedule page, then the
    error, the progress and a link to the done report are shown, and the page refreshes while one runs."""
    ReportFactory(organization=organization, month=MARCH, status=ReportStatus.FAILED, error="Boom: gone", figures=None)
    ReportFactory(organization=organization, month=MARCH + 1, status=ReportStatus.RUNNING, progress=60, figures=None)
    ReportFactory(organization=organization, month=MARCH - 1)
    client.force_login(admin_user)

    page = client.get(url("schedule", organization)).content.decode()

    assert "Boom: gone" in page
    assert 'aria-valuenow="60"' in page
    assert url("dashboard", organization, month="2024-02") in page
    assert 'http-equiv="refresh"' in page


def test_without_any_report_the_page_says_what_to_do(client, organization, cco_user):
    """Given no computation yet, when the CCO opens the schedule page, then it says how to make the first."""
    client.force_login(cco_user)

    page = client.get(url("schedule", organization)).content.decode()

    assert "No report has been computed yet" in page
    assert 'http-equiv="refresh"' not in page


def test_saving_the_schedule(client, organization, cco_user):
    """Given the CCO, when day 12 at 08:00 is saved, then the schedule has it; day 29 is shown as an error."""
    client.force_login(cco_user)

    saved = client.post(url("schedule", organization), {"day_of_month": 12, "hour": 8, "enabled": "on"})
    refused = client.post(url("schedule", organization), {"day_of_month": 29, "hour": 8})

    assert saved.status_code == 302
    schedule = ReportSchedule.objects.get(organization=organization)
    assert (schedule.day_of_month, schedule.hour, schedule.enabled) == (12, 8, True)
    assert refused.status_code == 200
    assert "Ensure this value is less than or equal to 28" in refused.content.decode()


def test_compute_now(client, organization, customer_data, cco_user, django_capture_on_commit_callbacks):
    """Given the CCO, when a month with data is computed now, then its report is done (in-process) and the
    page says so."""
    last_month = MARCH
    client.force_login(cco_user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("compute", organization), {"month": month_label(last_month)})
    page = client.get(url("schedule", organization)).content.decode()

    assert organization.reports.get(month=last_month).status == ReportStatus.DONE
    assert url("dashboard", organization, month=month_label(last_month)) in page


def test_the_cco_records_an_action_and_leadership_reads_it(client, organization, cco_user, member_of):
    """Given the CCO, when an action is added on the actions page, then it is listed for leadership,
    who sees no form to add or change one."""
    owner = member_of(Role.EXECUTIVE, full_name="Emery Executive")
    client.force_login(cco_user)
    response = client.post(
        url("actions", organization),
        {"month": THIS_MONTH, "title": "Visit the five largest lost customers", "owner": owner.pk, "status": "open"},
    )
    assert response.status_code == 302

    client.force_login(member_of(Role.LEADERSHIP))
    page = client.get(url("actions", organization)).content.decode()

    assert "Visit the five largest lost customers" in page
    assert "Emery Executive" in page
    assert "Add the action" not in page
    assert "Make it a milestone" not in page


def test_the_actions_page_without_actions_says_what_to_do(client, organization, cco_user):
    """Given no action yet, when the CCO opens the actions page, then it says how to add the first."""
    client.force_login(cco_user)

    page = client.get(url("actions", organization)).content.decode()

    assert "No action has been recorded yet" in page


def test_editing_an_action_and_making_it_a_milestone(client, organization, cco_user):
    """Given an action, when the CCO marks it done and makes it a milestone, then it is closed and the
    milestone's page is shown."""
    action = CustomerRoomActionFactory(organization=organization, month=MARCH)
    client.force_login(cco_user)

    edited = client.post(
        url("action", organization, action_id=action.pk),
        {"month": THIS_MONTH, "title": action.title, "status": ActionStatus.DONE},
    )
    made = client.post(url("action_milestone", organization, action_id=action.pk))

    action = CustomerRoomAction.objects.get(pk=action.pk)
    assert edited.status_code == 302
    assert action.status == ActionStatus.DONE
    assert action.closed_at is not None
    assert made["Location"] == action.milestone.get_absolute_url()


def test_another_organizations_action_is_404(client, organization, other_organization, cco_user):
    """Given an action of another organization, when its id is used under ours, then 404."""
    theirs = CustomerRoomActionFactory(organization=other_organization)
    client.force_login(cco_user)

    assert client.get(url("action", organization, action_id=theirs.pk)).status_code == 404
    assert client.post(url("action_milestone", organization, action_id=theirs.pk)).status_code == 404


def test_an_action_that_became_a_milestone_follows_it_everywhere(client, organization, cco_user):
    """An overdue action turned into a milestone: once the milestone is done, the actions page, the API and
    the report's CSV say Done, and nothing says Overdue (it once said "Roadmap milestone · Done" beside
    "Overdue")."""
    action = CustomerRoomActionFactory(
        organization=organization, month=MARCH, due_date=timezone.localdate() - timedelta(days=10)
    )
    milestone = action_services.make_action_milestone(action=action, created_by=cco_user)
    client.force_login(cco_user)
    assert "Overdue" in client.get(url("actions", organization)).content.decode()

    roadmap_services.update_milestone(milestone=milestone, changed_by=cco_user, may_edit_all=True, status="done")

    action.refresh_from_db()
    page = client.get(url("actions", organization)).content.decode()
    api = client.get(f"/api/v1/orgs/{organization.slug}/reports/actions/").json()["results"]
    assert (action.current_status, action.is_overdue) == (ActionStatus.DONE, False)
    assert "Overdue" not in page
    assert [(row["current_status"], row["is_overdue"]) for row in api] == [("done", False)]


def test_a_month_without_data_gets_no_report_and_the_page_says_why(client, organization, customer_data, cco_user):
    """Computing last month, which has no customer data, makes no report (it once became everyone's landing
    page) and says which months there are."""
    last_month = month_index(timezone.localdate()) - 1
    client.force_login(cco_user)

    page = client.post(url("compute", organization), {"month": month_label(last_month)}, follow=True)

    assert not organization.reports.filter(month=last_month).exists()
    assert "Choose a month that has customer data: they run from 2024-01 to 2024-04." in page.content.decode()
    api = client.post(
        f"/api/v1/orgs/{organization.slug}/reports/",
        {"month": month_label(last_month)},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert f"There is no customer data for {month_label(last_month)}" in str(api.json())


def test_the_reports_land_on_the_newest_month_with_data(client, organization, customer_data, cco_user):
    """A report of a month without data (computed before this rule) is never where /reports/ lands."""
    ReportFactory(organization=organization, month=month_index(timezone.localdate()) - 1)
    ReportFactory(organization=organization, month=MARCH)
    client.force_login(cco_user)

    landing = client.get(reverse("reports:latest", kwargs={"org_slug": organization.slug}))

    assert landing["Location"] == url("dashboard", organization, month=month_label(MARCH))


def test_an_action_due_in_the_past_is_recorded_with_a_warning(client, organization, cco_user):
    """Given the CCO, when an action of last month's meeting is recorded due on the first of that month
    (past, though not before the meeting), then it is recorded, and the page warns that it shows as overdue
    at once; one due later gets no warning."""
    last_month = month_index(timezone.localdate()) - 1
    client.force_login(cco_user)

    past = client.post(
        url("actions", organization),
        {"month": month_label(last_month), "title": "Late", "due_date": month_start(last_month), "status": "open"},
        follow=True,
    )
    later = client.post(
        url("actions", organization),
        {
            "month": THIS_MONTH,
            "title": "On time",
            "due_date": timezone.localdate() + timedelta(days=7),
            "status": "open",
        },
        follow=True,
    )

    assert CustomerRoomAction.objects.filter(title__in=["Late", "On time"]).count() == 2
    warnings = [str(m) for m in past.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert "has passed, so it shows as overdue" in warnings[0]
    assert not [m for m in later.context["messages"] if m.level_tag == "warning"]
