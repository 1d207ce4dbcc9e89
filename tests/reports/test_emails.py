"""Who the report-ready email goes to, and the report's PDF it carries: attached when small enough, made once
for all its recipients, linked to in the portal (and the email says why) when it is not attached."""

import pytest

from cco_portal.organizations.roles import Role
from reports import pdf, services
from tests.factories import MembershipFactory
from tests.reports.factories import ReportFactory
from tests.reports.snapshots import done_report

pytestmark = pytest.mark.django_db

PDF_URL = "https://portal.example.com/o/acme/reports/2024-03/pdf/"


@pytest.fixture
def everyone(organization, member_of):
    """One member of each role, named after it."""
    return {role: member_of(role, email=f"{role}@acme.example") for role in Role}


@pytest.fixture
def march(organization, customer_data, settings):
    """March's done report, from four months of customer data; links in emails point at the portal."""
    settings.SITE_URL = "https://portal.example.com"
    return done_report(organization, "2024-03")


@pytest.fixture
def pdfs_made(monkeypatch):
    """Counts the report PDFs made, which are made as usual."""
    made = []
    make = pdf.report_pdf

    def counted(report):
        made.append(report.pk)
        return make(report)

    monkeypatch.setattr(pdf, "report_pdf", counted)
    return made


def send(report, capture) -> int:
    with capture(execute=True):
        return services.send_report_ready_emails(report=report)


@pytest.mark.parametrize(
    ("to_executives", "emailed"),
    [
        (False, ["admin", "cco", "leadership"]),
        (True, ["admin", "cco", "executive", "leadership"]),
    ],
)
def test_executives_get_the_report_only_when_the_organization_chooses_so(
    organization, everyone, mailoutbox, django_capture_on_commit_callbacks, to_executives, emailed
):
    """Given a member of each role, leadership, the CCO and admins get the report-ready email; executives
    get it too only when the organization's setting is on."""
    # given
    organization.report_to_executives = to_executives
    organization.save(update_fields=["report_to_executives"])
    report = ReportFactory(organization=organization)

    # when
    queued = send(report, django_capture_on_commit_callbacks)

    # then
    assert queued == len(emailed)
    assert sorted(email.to[0] for email in mailoutbox) == [f"{role}@acme.example" for role in emailed]


def test_a_person_with_several_roles_is_emailed_once(
    organization, member_of, mailoutbox, django_capture_on_commit_callbacks
):
    """Given executives get the report too and one person is an executive, leadership and an admin, that person
    gets one email."""
    # given
    organization.report_to_executives = True
    organization.save(update_fields=["report_to_executives"])
    person = member_of(Role.EXECUTIVE, email="ceo@acme.example")
    for role in (Role.LEADERSHIP, Role.ADMIN):
        MembershipFactory(organization=organization, user=person, role=role)
    member_of(Role.EXECUTIVE, email="vp@acme.example")
    report = ReportFactory(organization=organization)

    # when
    queued = send(report, django_capture_on_commit_callbacks)

    # then
    assert queued == 2
    assert sorted(email.to[0] for email in mailoutbox) == ["ceo@acme.example", "vp@acme.example"]


def test_the_pdf_is_made_once_and_attached_to_every_email(
    march, everyone, mailoutbox, pdfs_made, django_capture_on_commit_callbacks
):
    """Given three recipients and a PDF under the limit, each email carries the report's PDF, named after the
    organization and month, and says it is attached; the PDF is made once for the three."""
    # when
    send(march, django_capture_on_commit_callbacks)

    # then
    assert pdfs_made == [march.pk]
    assert len(mailoutbox) == 3
    for email in mailoutbox:
        [(name, content, content_type)] = email.attachments
        assert (name, content_type) == ("acme-customer-room-2024-03.pdf", "application/pdf")
        assert content.startswith(b"%PDF-")
        assert "The whole report is attached as a PDF, acme-customer-room-2024-03.pdf." in email.body
        assert PDF_URL not in email.body
        assert "attached as a PDF" in email.alternatives[0][0]
    march.refresh_from_db()
    assert march.email_pdf.name.endswith("acme-customer-room-2024-03.pdf")


def test_a_pdf_over_the_limit_is_linked_to_and_the_email_says_why(
    march, everyone, mailoutbox, pdfs_made, settings, django_capture_on_commit_callbacks
):
    """Given a limit smaller than any PDF, no email carries an attachment; each says the PDF is larger than an
    email carries here and links to it in the portal, and nothing is kept for the emails to attach."""
    # given
    settings.REPORT_EMAIL_ATTACHMENT_MAX_BYTES = 10

    # when
    send(march, django_capture_on_commit_callbacks)

    # then
    assert pdfs_made == [march.pk]
    assert len(mailoutbox) == 3
    for email in mailoutbox:
        assert email.attachments == []
        assert "is not attached: it is larger than the 10\xa0bytes an email carries" in email.body
        assert PDF_URL in email.body
        html = email.alternatives[0][0]
        assert "larger than the 10\xa0bytes" in html
        assert f'href="{PDF_URL}"' in html
    march.refresh_from_db()
    assert not march.email_pdf


def test_a_pdf_that_cannot_be_made_holds_up_no_email(
    march, everyone, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    """Given the PDF cannot be made, each recipient still gets the email, which says the PDF could not be
    attached and links to it in the portal."""

    # given
    def broken(report):
        raise OSError("Pango is missing")

    monkeypatch.setattr(pdf, "report_pdf", broken)

    # when
    queued = send(march, django_capture_on_commit_callbacks)

    # then
    assert queued == len(mailoutbox) == 3
    for email in mailoutbox:
        assert email.attachments == []
        assert "could not be attached to this email" in email.body
        assert PDF_URL in email.body


def test_no_pdf_is_made_when_nobody_is_to_be_emailed(
    organization, executive_user, pdfs_made, mailoutbox, django_capture_on_commit_callbacks
):
    """Given only an executive and the setting off, nobody is emailed and no PDF is made."""
    # given
    report = ReportFactory(organization=organization)

    # when
    queued = send(report, django_capture_on_commit_callbacks)

    # then
    assert (queued, pdfs_made, mailoutbox) == (0, [], [])
