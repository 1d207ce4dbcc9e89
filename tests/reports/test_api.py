"""The reports API: computations and their status, a month's report, asking for one, the schedule, and
the customer-room actions, all inside the organization of the URL."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cco_portal.organizations.roles import Role
from metrics.months import month_index, month_label, month_start
from reports.models import ActionStatus, CustomerRoomAction, Report, ReportStatus
from tests.reports.conftest import MARCH
from tests.reports.factories import CustomerRoomActionFactory, ReportFactory

pytestmark = pytest.mark.django_db


def api(name: str, organization, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})


def test_asking_for_a_report_answers_202_with_where_to_follow_it(
    api_client, organization, customer_data, cco_user, django_capture_on_commit_callbacks
):
    """Given the CCO, when March is asked for, then the answer is 202 with the computation's address; in
    process it is done by then, and the month's report has the figures."""
    api_client.force_authenticate(cco_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(api(("api-report-list"), organization), {"month": "2024-03"}, format="json")

    assert response.status_code == 202
    assert response["Location"] == response.data["url"]
    run = api_client.get(response.data["url"]).data
    assert (run["month"], run["status"], run["progress"]) == ("2024-03", "done", 100)
    report = api_client.get(api("api-report-detail", organization, month="2024-03")).data
    assert report["figures"]["month"] == "2024-03"
    assert report["figures"]["to_date"]["quarter"]["period"] == "2024-Q1"
    assert report["figures"]["to_date"]["year"]["end"] == {"count": 3, "value": "540.50"}
    assert report["data_version"] == customer_data.computed_version
    assert report["actions"] == []


def test_a_bad_month_is_refused(api_client, organization, cco_user):
    """Given the CCO, when a month is not YYYY-MM, then 400 names the field."""
    api_client.force_authenticate(cco_user)

    response = api_client.post(api("api-report-list", organization), {"month": "March"}, format="json")

    assert response.status_code == 400
    assert "month" in response.data


def test_the_runs_show_status_progress_and_error(api_client, organization, leadership_user):
    """Given a failed and a running computation, when leadership lists them, then each has its status,
    progress and error; filtered by month, only that month's."""
    ReportFactory(
        organization=organization, month=MARCH, status=ReportStatus.FAILED, error="boom", progress=5, figures=None
    )
    ReportFactory(organization=organization, month=MARCH + 1, status=ReportStatus.RUNNING, progress=60, figures=None)
    api_client.force_authenticate(leadership_user)

    listed = api_client.get(api("api-report-list", organization)).data["results"]
    march = api_client.get(api("api-report-list", organization), {"month": "2024-03"}).data["results"]

    assert [(r["month"], r["status"], r["progress"]) for r in listed] == [
        ("2024-04", "running", 60),
        ("2024-03", "failed", 5),
    ]
    assert [r["error"] for r in march] == ["boom"]


def test_a_month_without_a_done_report_is_404(api_client, organization, leadership_user):
    """Given only a failed computation of March, when its report is read, then 404."""
    ReportFactory(organization=organization, month=MARCH, status=ReportStatus.FAILED, figures=None)
    api_client.force_authenticate(leadership_user)

    assert api_client.get(api("api-report-detail", organization, month="2024-03")).status_code == 404
    assert api_client.get(api("api-report-detail", organization, month="not-a-month")).status_code == 404


def test_another_organizations_report_cannot_be_reached_by_id(api_client, organization, other_organization, admin_user):
    """Given a computation of another organization, when its id is read under ours, then 404."""
    theirs = ReportFactory(organization=other_organization)
    api_client.force_authenticate(admin_user)

    assert api_client.get(api("api-report-run", organization, report_id=theirs.pk)).status_code == 404


def test_the_schedule_is_read_and_changed(api_client, organization, cco_user):
    """Given the default schedule, when the CCO puts day 10 at 05:00, then it is read back; day 30 is refused."""
    api_client.force_authenticate(cco_user)
    assert api_client.get(api("api-report-schedule", organization)).data["day_of_month"] == 1

    changed = api_client.put(
        api("api-report-schedule", organization), {"day_of_month": 10, "hour": 5, "enabled": True}, format="json"
    )
    refused = api_client.put(
        api("api-report-schedule", organization), {"day_of_month": 30, "hour": 5, "enabled": True}, format="json"
    )

    assert changed.status_code == 200
    assert (changed.data["day_of_month"], changed.data["hour"]) == (10, 5)
    assert refused.status_code == 400
    assert "day_of_month" in refused.data


def test_actions_are_recorded_changed_and_made_milestones(api_client, organization, cco_user, member_of):
    """Given the CCO, when an action is recorded with an owner, marked done, and made a milestone, then
    each answer shows it; a second milestone is refused."""
    owner = member_of(Role.LEADERSHIP)
    api_client.force_authenticate(cco_user)

    created = api_client.post(
        api("api-report-action-list", organization),
        {"month": "2024-03", "title": "Call lost customers", "owner": owner.pk, "due_date": "2024-04-30"},
        format="json",
    )
    action_id = created.data["id"]
    done = api_client.patch(
        api("api-report-action-detail", organization, action_id=action_id), {"status": "done"}, format="json"
    )
    milestone = api_client.post(api("api-report-action-milestone", organization, action_id=action_id))
    again = api_client.post(api("api-report-action-milestone", organization, action_id=action_id))

    assert created.status_code == 201
    assert (created.data["month"], created.data["owner"], created.data["status"]) == ("2024-03", owner.pk, "open")
    assert done.data["status"] == ActionStatus.DONE
    assert done.data["closed_at"] is not None
    assert milestone.status_code == 201
    assert milestone.data["milestone"] == CustomerRoomAction.objects.get(pk=action_id).milestone_id
    assert milestone.data["milestone_status"] == "planned"
    assert again.status_code == 400


def test_an_owner_outside_the_organization_is_refused(
    api_client, organization, other_organization, cco_user, member_of
):
    """Given a member of another organization, when the CCO makes them an action's owner, then 400."""
    outsider = member_of(Role.CCO, org=other_organization)
    api_client.force_authenticate(cco_user)

    response = api_client.post(
        api("api-report-action-list", organization),
        {"month": "2024-03", "title": "X", "owner": outsider.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "owner" in response.data


def test_a_report_lists_its_actions_as_they_are_now(api_client, organization, leadership_user):
    """Given March's report and an action of March, when leadership reads the report, then the action is
    in it with its current status."""
    ReportFactory(organization=organization, month=MARCH)
    CustomerRoomActionFactory(organization=organization, month=MARCH, title="Visit the South", status="done")
    api_client.force_authenticate(leadership_user)

    report = api_client.get(api("api-report-detail", organization, month="2024-03")).data

    assert [(a["title"], a["status"]) for a in report["actions"]] == [("Visit the South", "done")]
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    "month",
    [
        "\u0662\u0660\u0662\u0664-\u0660\u0663",
        "\uff12\uff10\uff12\uff14-03",
        "0000-01",
        "1899-12",
        "2999-01",
        "2024-13",
        "+024-03",
    ],
    ids=repr,
)
def test_a_month_that_is_not_one_is_refused(api_client, organization, cco_user, month):
    """Given the CCO, when an action is recorded with a month in other than ASCII digits, of year 0 or of a
    year outside 1900 to next year, then 400 names the month and nothing is recorded."""
    api_client.force_authenticate(cco_user)

    response = api_client.post(
        api("api-report-action-list", organization), {"month": month, "title": "Call them"}, format="json"
    )

    assert response.status_code == 400
    assert "month" in response.data
    assert not CustomerRoomAction.objects.exists()


def test_an_action_due_in_the_past_is_recorded_with_a_warning(api_client, organization, cco_user):
    """Given the CCO, when an action of last month's meeting is recorded through the API due on the first
    of that month, then 201, with a warning that it shows as overdue at once."""
    last_month = month_index(timezone.localdate()) - 1
    api_client.force_authenticate(cco_user)

    response = api_client.post(
        api("api-report-action-list", organization),
        {"month": month_label(last_month), "title": "Late", "due_date": month_start(last_month).isoformat()},
        format="json",
    )

    assert response.status_code == 201
    assert response.data["is_overdue"] is True
    assert len(response.data["warnings"]) == 1
    assert "has passed" in response.data["warnings"][0]
