"""The report's tasks in-process: retries then failure, the refresh after imports (debounced), and the
email to leadership."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from cco_portal.celery import app as celery_app
from cco_portal.organizations.roles import Role
from metrics import services as metric_services
from reports import services, tasks
from reports.models import Report, ReportStatus
from tests.reports.conftest import FIRST_MONTH, LAST_MONTH, MARCH

pytestmark = pytest.mark.django_db


@pytest.fixture
def errors_not_raised_to_the_caller():
    """In-process, Celery retries only when errors are not raised to the caller, as on a worker."""
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True


@pytest.mark.usefixtures("errors_not_raised_to_the_caller")
def test_a_transient_error_is_retried_then_the_report_fails_with_it(organization, customer_data, monkeypatch):
    """Given the database keeps failing while March's figures are gathered, when the task runs, then it is
    tried three times (two retries), and the report ends failed with the error, for the CCO to see."""
    calls = []

    def unreachable(organization_, month, on_progress=None):
        calls.append(month)
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "build_report_figures", unreachable)

    result = tasks.compute_report_task.delay(organization.pk, MARCH)

    assert isinstance(result.result, OperationalError)
    assert len(calls) == 1 + tasks.compute_report_task.max_retries
    report = Report.objects.get(organization=organization, month=MARCH)
    assert report.status == ReportStatus.FAILED
    assert report.error == "OperationalError: could not connect to server"
    assert report.attempts == 3


def test_a_bug_fails_the_report_at_once(organization, customer_data, monkeypatch):
    """Given an error no retry would cure, when the task runs, then the report fails at the first attempt."""

    def broken(organization_, month, on_progress=None):
        raise KeyError("bridge")

    monkeypatch.setattr(services, "build_report_figures", broken)

    with pytest.raises(KeyError):
        tasks.compute_report_task.delay(organization.pk, MARCH)

    report = Report.objects.get(organization=organization, month=MARCH)
    assert (report.status, report.attempts) == (ReportStatus.FAILED, 1)
    assert "KeyError" in report.error


def _import_march(organization, cco_user, revenue: int):
    content = f"customer_id,period,revenue,segment\nann,2024-03,{revenue},North\n".encode()
    return metric_services.start_import(
        organization=organization,
        uploaded_file=SimpleUploadedFile("march.csv", content, content_type="text/csv"),
        created_by=cco_user,
    )


def test_ten_imports_in_a_row_make_one_computation_per_report(
    organization, customer_data, cco_user, clock, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Given the reports of January to April, when ten imports of March data arrive ten seconds apart,
    then nothing is recomputed while they keep coming; once they have been quiet for the debounce time,
    the reports of March and April (not January, February) are computed once each, from the last data."""
    settings.REPORTS_DEBOUNCE_SECONDS = 60
    for month in range(FIRST_MONTH, LAST_MONTH + 1):
        services.compute_report(organization=organization, month=month, notify=False)
    computed = []
    original = services.build_report_figures

    def counting(organization_, month, on_progress=None):
        computed.append(month)
        return original(organization_, month, on_progress=on_progress)

    monkeypatch.setattr(services, "build_report_figures", counting)

    for n in range(10):
        with django_capture_on_commit_callbacks(execute=True):
            _import_march(organization, cco_user, 100 + n)
        clock.advance(seconds=10)
        assert services.refresh_changed_reports(now=clock()) == []
    clock.advance(seconds=60)
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.refresh_changed_reports(now=clock())
    again = services.refresh_changed_reports(now=clock())

    assert queued == [(organization.pk, MARCH), (organization.pk, LAST_MONTH)]
    assert again == []
    assert sorted(computed) == [MARCH, LAST_MONTH]
    march = Report.objects.filter(organization=organization, month=MARCH).first()
    assert march.data_version == customer_data.version + 10
    assert march.status == ReportStatus.DONE
    # ann's March is the last file's
    assert march.figures["trend"][-1]["value"] == "109.00"


def test_a_report_without_later_data_changes_is_not_refreshed(organization, customer_data, clock):
    """Given the reports are up to date, when the refresh runs, then nothing is queued."""
    services.compute_report(organization=organization, month=MARCH, notify=False)
    clock.advance(seconds=120)

    assert services.refresh_changed_reports(now=clock()) == []


def test_leadership_is_emailed_the_headline_and_a_link_once(
    organization, customer_data, member_of, settings, django_capture_on_commit_callbacks
):
    """Given members of every role, when March's first report is done, then leadership, the CCO and the
    admin (not the executive) each get one email with the headline figures and the dashboard's address;
    a recomputation from the same data sends nothing more."""
    settings.SITE_URL = "https://portal.example.com"
    people = {role: member_of(role, email=f"{role}@acme.example") for role in Role}

    with django_capture_on_commit_callbacks(execute=True):
        report = services.compute_report(organization=organization, month=MARCH)
    with django_capture_on_commit_callbacks(execute=True):
        services.compute_report(organization=organization, month=MARCH)

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        people[role].email for role in (Role.ADMIN, Role.CCO, Role.LEADERSHIP)
    )
    message = mail.outbox[0]
    assert "2024-03" in message.subject
    assert "https://portal.example.com/o/acme/reports/2024-03/" in message.body
    bridge = report.figures["bridge"]
    assert f"Active customers at the end of the month: {bridge['end']['count']}" in message.body
    assert f"Lost: {bridge['classes']['lost']['count']}" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert "https://portal.example.com/o/acme/reports/2024-03/" in html
    assert services.send_report_ready_emails(report=report) == 0
