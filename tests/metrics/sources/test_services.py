"""The data sources' services and task: the password kept secret, the schedule mirrored into beat, pulls retried
and reported, and the column mapping of uploads."""

import logging

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_celery_beat.models import PeriodicTask

from cco_portal.audit.models import AuditEvent
from cco_portal.celery import app as celery_app
from cco_portal.organizations.roles import Role
from metrics import services as import_services
from metrics.models import ImportStatus
from metrics.sources import services
from metrics.sources.models import DataSource, PullStatus, PullTrigger
from metrics.sources.schedule import PULL_TASK, periodic_task_of
from metrics.sources.tasks import MAX_RETRIES, pull_data_source_task
from tests.metrics.import_files import stored_activity

from .test_file_sources import BILLING, BILLING_MAP

pytestmark = pytest.mark.django_db

PASSWORD = "Pa55-w0rd-never-shown"
# Nothing listens on port 9 of this machine: a connection there is refused at once.
REFUSED_URL = f"mysql://reporting:{PASSWORD}@127.0.0.1:9/billing"


@pytest.fixture
def eager_retries():
    """Run a task's retries in-process, one after the other, as a worker would run them later: Celery chains
    eager retries only when it does not propagate the task's errors (the test settings' default)."""
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = True


def _sql_source(organization, **fields):
    return services.create_data_source(
        organization=organization,
        name="Billing database",
        kind="sql",
        target="activity",
        url=REFUSED_URL,
        query="SELECT customer_id, period, revenue FROM activity",
        **fields,
    )


def test_the_password_is_stored_encrypted_and_the_url_without_it(organization):
    """Given a database URL with a password, when the source is added, then neither stored column holds the
    password in clear, the text and repr of the source do not show it, and the shown URL has •••• instead."""
    source = _sql_source(organization)

    stored = DataSource.objects.filter(pk=source.pk).values("url", "secret").get()
    assert PASSWORD not in stored["url"]
    assert PASSWORD not in stored["secret"]
    assert stored["url"] == "mysql://reporting@127.0.0.1:9/billing"
    assert PASSWORD not in str(source)
    assert PASSWORD not in repr(source)
    assert source.display_url == "mysql://reporting:••••@127.0.0.1:9/billing"


def test_a_failed_pull_logs_audits_and_emails_no_password(organization, member_of, caplog, eager_retries):
    """Given a source whose database refuses the connection, when the task pulls it to the end of its
    retries, then no log record, audit event, pull record or email contains the password."""
    member_of(Role.CCO, email="cco@example.com")
    source = _sql_source(organization)
    caplog.set_level(logging.DEBUG)

    pull_data_source_task.delay(source.pk)

    assert all(PASSWORD not in record.getMessage() for record in caplog.records)
    details = list(AuditEvent.objects.filter(organization=organization).values_list("details", "target"))
    assert details
    assert PASSWORD not in repr(details)
    assert all(PASSWORD not in pull.error for pull in source.pulls.all())
    assert mail.outbox
    assert all(PASSWORD not in message.body for message in mail.outbox)


def test_a_transient_failure_is_retried_then_emailed_to_the_ccos(organization, member_of, eager_retries):
    """Given a source whose database refuses connections, when the task pulls it, then it is tried again
    MAX_RETRIES times (each attempt recorded), and then every CCO of the organization, and only they, is
    emailed the reason."""
    member_of(Role.CCO, email="cco@example.com")
    member_of(Role.EXECUTIVE, email="exec@example.com")
    source = _sql_source(organization)

    pull_data_source_task.delay(source.pk)

    pulls = list(source.pulls.order_by("pk"))
    assert [pull.attempt for pull in pulls] == list(range(1, MAX_RETRIES + 2))
    assert {pull.status for pull in pulls} == {PullStatus.FAILED}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["cco@example.com"]
    assert "could not connect to the database" in mail.outbox[0].body


def test_a_refused_import_is_not_retried_and_is_emailed(organization, member_of, file_server):
    """Given a file source whose file has a bad row, when the task pulls it, then it is pulled once, the
    pull is failed with the row named, and the CCO is emailed that reason."""
    member_of(Role.CCO, email="cco@example.com")
    file_server.files["/bad.csv"] = b"customer_id,period,revenue\nann,2024-01,10\nbob,someday,5\n"
    source = services.create_data_source(
        organization=organization, name="Bad", kind="url", target="activity", url=file_server.url("/bad.csv")
    )

    pull_data_source_task.delay(source.pk, trigger=PullTrigger.SCHEDULE)

    pull = source.pulls.get()
    assert pull.status == PullStatus.FAILED
    assert pull.activity_import.status == ImportStatus.FAILED
    assert "line 3, period" in pull.error
    assert "line 3, period" in mail.outbox[0].body


def test_the_schedule_is_one_periodic_task_that_follows_the_source(organization):
    """Given a source with a crontab, then beat has one PeriodicTask pulling it at that time; changing the
    schedule changes it, pausing disables it, emptying the schedule or removing the source deletes it."""
    source = _sql_source(organization, schedule="30 6 * * 1")
    task = periodic_task_of(source.pk)
    assert (task.task, task.args, task.enabled) == (PULL_TASK, f"[{source.pk}]", True)
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("30", "6", "1")

    services.update_data_source(source=source, schedule="0 7 1 * *", enabled=False)
    task = periodic_task_of(source.pk)
    assert (task.crontab.hour, task.crontab.day_of_month, task.enabled) == ("7", "1", False)

    services.update_data_source(source=source, schedule="")
    assert periodic_task_of(source.pk) is None

    services.update_data_source(source=source, schedule="0 6 * * *")
    services.delete_data_source(source=source)
    assert not PeriodicTask.objects.filter(task=PULL_TASK).exists()


@pytest.mark.parametrize("schedule", ["every day", "0 6 * *", "99 6 * * *"])
def test_a_schedule_that_is_not_a_crontab_is_refused(organization, schedule):
    with pytest.raises(ValidationError) as refusal:
        _sql_source(organization, schedule=schedule)
    assert "schedule" in refusal.value.message_dict


def test_editing_keeps_the_password_unless_a_new_one_is_given(organization):
    """Given a source with a password, when its URL is saved without one, then the stored password stays;
    a new password replaces it, and an empty one removes it."""
    source = _sql_source(organization)
    secret = source.secret

    source = services.update_data_source(source=source, url="mysql://reporting@127.0.0.1:9/billing")
    assert source.secret == secret

    source = services.update_data_source(source=source, password="another")
    assert source.secret != secret
    assert source.has_password

    source = services.update_data_source(source=source, password="")
    assert not source.has_password


def test_an_upload_with_the_organizations_own_headers_is_read_through_its_mapping(organization):
    """Given the organization's mapping of its billing export's headers, when such a file is uploaded, then
    it is imported as if its header were the import's own; the mapping is remembered for the next one."""
    services.set_column_mapping(organization=organization, kind="activity", mapping=BILLING_MAP)

    activity_import = import_services.start_import(
        organization=organization,
        uploaded_file=SimpleUploadedFile("billing.csv", BILLING),
        run_later=False,
    )
    activity_import = import_services.run_import(activity_import=activity_import)

    assert activity_import.status == ImportStatus.SUCCEEDED, activity_import.errors
    assert stored_activity(organization)[("ann", "2024-01")] == (1_205_000, "North")


def test_an_upload_with_unknown_headers_and_no_mapping_is_rejected_as_before(organization):
    """Without a mapping, a file with other headers is rejected naming its unknown columns, as it always was."""
    activity_import = import_services.start_import(
        organization=organization, uploaded_file=SimpleUploadedFile("billing.csv", BILLING), run_later=False
    )
    activity_import = import_services.run_import(activity_import=activity_import)

    assert activity_import.status == ImportStatus.FAILED
    assert any("Unknown column" in error["message"] for error in activity_import.errors)


def test_a_mapping_onto_a_column_the_import_does_not_have_is_refused(organization):
    with pytest.raises(ValidationError) as refusal:
        services.set_column_mapping(organization=organization, kind="activity", mapping={"Amount": "price"})
    assert "mapping" in refusal.value.message_dict


def test_an_unexpected_error_fails_the_pull_instead_of_leaving_it_running(organization, file_server, monkeypatch):
    """Given a pull that stops on something no source explains (a time limit, a fault), then the error goes on
    to the task and the pull is recorded as failed, not left running."""
    file_server.files["/billing.csv"] = BILLING
    source = services.create_data_source(
        organization=organization, name="Billing", kind="url", target="activity", url=file_server.url("/billing.csv")
    )
    monkeypatch.setattr(import_services, "start_import", lambda **kwargs: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        services.pull_data_source(source=source)

    pull = source.pulls.get()
    assert pull.status == PullStatus.FAILED
    assert pull.error == services.UNEXPECTED
