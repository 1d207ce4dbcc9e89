"""The report-ready email whatever the organization's name holds, and one refused address holding up nobody
else."""

import pytest

from cco_portal.audit.models import Action, AuditEvent
from cco_portal.organizations.roles import Role
from reports import services
from reports.models import ReportStatus
from tests.reports.factories import ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaders(member_of):
    return [member_of(Role.LEADERSHIP, email=f"{name}@example.com") for name in ("ann", "bob", "cy")]


def test_a_line_break_in_the_organizations_name_stops_no_report_email(
    organization, leaders, mailoutbox, django_capture_on_commit_callbacks
):
    """Each recipient gets the email, its subject on one line."""
    # given
    organization.name = "Acme\nOutfitters"
    organization.save(update_fields=["name"])
    report = ReportFactory(organization=organization, status=ReportStatus.DONE)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.send_report_ready_emails(report=report)

    # then
    assert queued == 3
    assert len(mailoutbox) == 3
    assert all(email.subject.startswith("Acme Outfitters: the customer-room report of") for email in mailoutbox)


def test_a_recipient_whose_email_fails_holds_up_nobody_else(
    organization, leaders, refusing_mail, mailoutbox, worker_retries, django_capture_on_commit_callbacks
):
    """The server refuses bob for good: ann and cy get the report, bob's failure is recorded for the CCO,
    and asking again sends nothing more."""
    # given
    report = ReportFactory(organization=organization, status=ReportStatus.DONE)
    refusing_mail.refuse("bob@example.com")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.send_report_ready_emails(report=report)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.send_report_ready_emails(report=report)

    # then
    assert (queued, again) == (3, 0)
    assert sorted(email.to[0] for email in mailoutbox) == ["ann@example.com", "cy@example.com"]
    assert AuditEvent.objects.get(action=Action.EMAIL_UNDELIVERED).target == "bob@example.com"
