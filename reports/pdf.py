"""The report as a PDF: its HTML rendered by WeasyPrint, which draws the inline SVG charts too.

WeasyPrint is imported on first use: it loads Pango from the system, and the rest of the portal runs
without it. Nothing is fetched while rendering (the stylesheets are read from the static files, the charts
are inline, and the fetcher allows no protocol), so a PDF never makes a request, inside the portal or out.
"""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from metrics.months import month_label

from . import selectors
from .models import Report
from .presentation import report_context

# The charts' palette as custom properties, then the print layout, which reads them for its swatches.
STYLESHEETS = ("css/charts.css", "css/report-print.css")


def report_file_name(organization, month: int, extension: str) -> str:
    """What a download of `organization`'s report of `month` is called: acme-customer-room-2024-03.pdf."""
    return f"{organization.slug}-customer-room-{month_label(month)}.{extension}"


def report_page_context(organization, report: Report) -> dict:
    """What the report's page and its PDF show: the snapshot's figures with the actions' and meetings' record as
    it stood then, and, read live, the actions themselves and whether newer data exists."""
    return {
        **report_context(report.figures),
        "report": report,
        "newer_data_version": selectors.newer_data_version(organization, report),
        "actions": list(selectors.actions_for_report(organization, report.month)),
        "accountability": selectors.report_accountability(report),
    }


def report_pdf(report: Report) -> bytes:
    """The whole of a done `report` as a PDF, the same for the download and the email (which has no request)."""
    context = {**report_page_context(report.organization, report), "organization": report.organization, "print": True}
    return html_to_pdf(render_to_string("reports/pdf.html", context))


def html_to_pdf(html: str) -> bytes:
    """The PDF of `html`, laid out by static/css/report-print.css (A4 landscape, page numbers) in the colours
    of static/css/charts.css."""
    import weasyprint  # loads Pango: only when a PDF is asked for
    from weasyprint.urls import URLFetcher

    no_fetching = URLFetcher(allowed_protocols=())
    stylesheets = []
    for path in STYLESHEETS:
        with open(finders.find(path), encoding="utf-8") as css:
            stylesheets.append(weasyprint.CSS(string=css.read(), url_fetcher=no_fetching))
    return weasyprint.HTML(string=html, url_fetcher=no_fetching).write_pdf(stylesheets=stylesheets)
