"""The email that tells leadership a month's customer-room report is ready."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

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


def send_report_ready(*, report: Report, headline: Headline | None) -> int:
    """One email per recipient (nobody sees the others' addresses), plain text and HTML."""
    context = {
        "report": report,
        "organization": report.organization,
        "headline": headline,
        "url": dashboard_url(report),
    }
    subject = f"{report.organization.name}: the customer-room report of {report.month_label} is ready"
    text = render_to_string("reports/email/report_ready.txt", context)
    html = render_to_string("reports/email/report_ready.html", context)
    messages = []
    for user in recipients(report):
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
        message.attach_alternative(html, "text/html")
        messages.append(message)
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0
