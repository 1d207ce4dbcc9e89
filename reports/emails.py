"""The email that tells leadership a month's customer-room report is ready."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse

from cco_portal.emails import send_email
from cco_portal.organizations.roles import Role

from .models import Report
from .selectors import Headline

# Who reads the report when it is ready; executives find it in the portal.
RECIPIENT_ROLES = (Role.LEADERSHIP, Role.CCO, Role.ADMIN)


def dashboard_url(report: Report) -> str:
    """The absolute address of the report's dashboard, for emails sent by workers (no request at hand)."""
    path = reverse("reports:dashboard", kwargs={"org_slug": report.organization.slug, "month": report.month_label})
    return settings.SITE_URL.rstrip("/") + path


def recipients(report: Report) -> list:
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organization_id=report.organization_id,
            memberships__role__in=RECIPIENT_ROLES,
        )
        .distinct()
        .order_by("email")
    )


def send_report_ready(*, report: Report, user, headline: Headline | None) -> None:
    """Email one recipient that the report is ready: the headline figures and the link, as text and HTML."""
    context = {
        "report": report,
        "organization": report.organization,
        "headline": headline,
        "url": dashboard_url(report),
    }
    send_email(
        to=user.email,
        subject=f"{report.organization.name}: the customer-room report of {report.month_label} is ready",
        body=render_to_string("reports/email/report_ready.txt", context),
        html=render_to_string("reports/email/report_ready.html", context),
    )
