"""Imports, the activity window and the report schedule: recorded by the services that change them, with who,
the organization and the address; a refused change records nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from cco_portal.audit.models import Action, AuditEvent
from metrics.computation import change_activity_window
from reports.schedule import set_report_schedule
from tests.audit.helpers import events, only_event

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"
GOOD = b"customer_id,period,revenue\nann,2024-01,100\nbob,2024-01,50\n"
BAD = b"customer_id,period,revenue\nann,2024-13,ten\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Imported files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


def api_as(user) -> APIClient:
    client = APIClient(REMOTE_ADDR=ADDRESS)
    client.force_authenticate(user)
    return client


def assert_recorded(event, *, actor, organization, target, ip_address=ADDRESS):
    assert (event.actor, event.organization, event.target, event.ip_address) == (
        actor,
        organization,
        target,
        ip_address,
    )


@pytest.mark.parametrize(("content", "outcome"), [(GOOD, Action.IMPORT_SUCCEEDED), (BAD, Action.IMPORT_FAILED)])
def test_an_import_records_its_start_and_how_it_ended(
    organization, cco_user, django_capture_on_commit_callbacks, content, outcome
):
    """The upload records the start; the run records success or failure, with the rows read and the problems
    found, on behalf of the person who uploaded the file."""
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(cco_user).post(
            f"/api/v1/orgs/{organization.slug}/imports/",
            {"file": SimpleUploadedFile("activity.csv", content, content_type="text/csv")},
            format="multipart",
        )

    # then
    assert response.status_code == 202, response.content
    started, ended = only_event(Action.IMPORT_STARTED), events(outcome)[-1]
    assert_recorded(started, actor=cco_user, organization=organization, target="activity.csv")
    assert started.details == {"import": response.json()["id"], "kind": "activity", "mode": "replace"}
    # The run is the worker's: it has no client address (here it runs after the request, as a worker would).
    assert_recorded(ended, actor=cco_user, organization=organization, target="activity.csv", ip_address=None)
    assert ended.details["import"] == response.json()["id"]
    assert (ended.details["rows"], ended.details["problems"] > 0) == (
        (2, False) if outcome == Action.IMPORT_SUCCEEDED else (1, True)
    )


def test_changing_the_activity_window_records_the_old_and_new_value(client, organization, cco_user):
    """The settings page changes the window from 1 to 12 months: recorded with both values."""
    # given
    client.defaults["REMOTE_ADDR"] = ADDRESS
    client.force_login(cco_user)

    # when
    client.post(reverse("metrics:settings", kwargs={"org_slug": organization.slug}), {"activity_window": 12})

    # then
    event = only_event(Action.SETTINGS_CHANGED)
    assert_recorded(event, actor=cco_user, organization=organization, target="activity window")
    assert event.details == {"old": 1, "new": 12}


def test_an_activity_window_left_as_it_was_or_refused_records_nothing(organization, cco_user):
    """Saving the same window changes nothing; a window of 40 months is refused: no event either way."""
    # when
    change_activity_window(organization=organization, months=1, changed_by=cco_user)
    with pytest.raises(ValidationError):
        change_activity_window(organization=organization, months=40, changed_by=cco_user)

    # then
    assert not AuditEvent.objects.filter(action=Action.SETTINGS_CHANGED).exists()


def test_changing_the_report_schedule_through_the_api_records_the_old_and_new_schedule(organization, cco_user):
    """PUT of the schedule: recorded with what it was and what it is now."""
    # when
    api_as(cco_user).put(
        f"/api/v1/orgs/{organization.slug}/reports/schedule/",
        {"day_of_month": 3, "hour": 7, "enabled": False},
        format="json",
    )

    # then
    event = only_event(Action.REPORT_SCHEDULE_CHANGED)
    assert_recorded(event, actor=cco_user, organization=organization, target="monthly report")
    assert event.details == {
        "old": {"day_of_month": 1, "hour": 6, "enabled": True},
        "new": {"day_of_month": 3, "hour": 7, "enabled": False},
    }


def test_a_refused_report_schedule_records_nothing(organization, cco_user):
    """Day 31 is refused (not every month has it); the event is rolled back with the change."""
    # when
    with pytest.raises(ValidationError):
        set_report_schedule(organization=organization, day_of_month=31, hour=6, enabled=True, updated_by=cco_user)

    # then
    assert not AuditEvent.objects.filter(action=Action.REPORT_SCHEDULE_CHANGED).exists()
