"""The email that tells leadership a month's customer-room report is ready, with the report's PDF attached
when it is small enough to travel by email."""

import logging
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import reverse

from cco_portal.emails import send_email
from cco_portal.organizations.roles import Role

from . import pdf
from .models import Report
from .selectors import Headline

logger = logging.getLogger(__name__)

# Who reads the report when it is ready; executives too when their organization chooses so
# (Organization.report_to_executives), else they find it in the portal.
RECIPIENT_ROLES = (Role.LEADERSHIP, Role.CCO, Role.ADMIN)


class PdfDelivery(StrEnum):
    """How the email gives the report's PDF, decided once for all its recipients."""

    ATTACHED = "attached"
    # Larger than settings.REPORT_EMAIL_ATTACHMENT_MAX_BYTES: the email links to it in the portal.
    TOO_LARGE = "too_large"
    # It could not be made (or kept) for the email: the email links to it in the portal.
    NOT_ATTACHED = "not_attached"


def _absolute_url(name: str, report: Report) -> str:
    # Emails are sent by workers, which have no request to build an address from.
    path = reverse(f"reports:{name}", kwargs={"org_slug": report.organization.slug, "month": report.month_label})
    return settings.SITE_URL.rstrip("/") + path


def dashboard_url(report: Report) -> str:
    """The absolute address of the report's dashboard, for emails sent by workers (no request at hand)."""
    return _absolute_url("dashboard", report)


def recipients(report: Report) -> list:
    """The active members the report-ready email goes to, each once however many roles they hold: leadership,
    the CCO and admins, and the executives when the organization sends them the report too."""
    roles = list(RECIPIENT_ROLES)
    if report.organization.report_to_executives:
        roles.append(Role.EXECUTIVE)
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organization_id=report.organization_id,
            memberships__role__in=roles,
        )
        .distinct()
        .order_by("email")
    )


def pdf_file_name(report: Report) -> str:
    return pdf.report_file_name(report.organization, report.month, "pdf")


def prepare_pdf(report: Report) -> PdfDelivery:
    """Make `report`'s PDF once for every recipient of its email, and keep it with the report
    (Report.email_pdf) for their emails to attach when it is at most REPORT_EMAIL_ATTACHMENT_MAX_BYTES.
    A PDF that is larger, or that cannot be made, holds up no email: they link to the portal instead."""
    try:
        document = pdf.report_pdf(report)
    except Exception:
        logger.exception("The PDF of report %s could not be made for its email; the email links to it", report.pk)
        return PdfDelivery.NOT_ATTACHED
    if len(document) > settings.REPORT_EMAIL_ATTACHMENT_MAX_BYTES:
        return PdfDelivery.TOO_LARGE
    try:
        report.email_pdf.save(pdf_file_name(report), ContentFile(document), save=False)
    except OSError:
        logger.exception("The PDF of report %s could not be kept for its email; the email links to it", report.pk)
        return PdfDelivery.NOT_ATTACHED
    report.save(update_fields=["email_pdf"])
    return PdfDelivery.ATTACHED


def _kept_pdf(report: Report) -> bytes | None:
    if not report.email_pdf:
        return None
    try:
        with report.email_pdf.open("rb") as kept:
            return kept.read()
    except FileNotFoundError:
        # Cleared from the storage since it was made: the link still works.
        logger.warning("The PDF kept for report %s's email is gone; the email links to it", report.pk)
        return None


def send_report_ready(
    *, report: Report, user, headline: Headline | None, pdf_delivery: str = PdfDelivery.NOT_ATTACHED
) -> None:
    """Email one recipient that the report is ready: the headline figures and the link, as text and HTML,
    with the PDF that `prepare_pdf` kept attached when it was ATTACHED; else the email links to the PDF in
    the portal and says why it is not attached."""
    document = _kept_pdf(report) if pdf_delivery == PdfDelivery.ATTACHED else None
    if pdf_delivery == PdfDelivery.ATTACHED and document is None:
        pdf_delivery = PdfDelivery.NOT_ATTACHED
    context = {
        "report": report,
        "organization": report.organization,
        "headline": headline,
        "url": dashboard_url(report),
        "pdf_delivery": pdf_delivery,
        "pdf_name": pdf_file_name(report),
        "pdf_url": _absolute_url("pdf", report),
        "attachment_limit": filesizeformat(settings.REPORT_EMAIL_ATTACHMENT_MAX_BYTES),
    }
    send_email(
        to=user.email,
        subject=f"{report.organization.name}: the customer-room report of {report.month_label} is ready",
        body=render_to_string("reports/email/report_ready.txt", context),
        html=render_to_string("reports/email/report_ready.html", context),
        attachments=[(pdf_file_name(report), document, "application/pdf")] if document is not None else [],
    )
