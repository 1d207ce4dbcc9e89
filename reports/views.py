"""The reading half of the customer-room report: the dashboard of a month, its PDF and its tables.

Every page is scoped by OrganizationMixin and reads the stored snapshot through selectors.py; nothing is
computed on view (the PDF is the same snapshot rendered by WeasyPrint). Every member reads reports;
cco and admin see where to compute one.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from cco_portal.audit.services import audited_download
from cco_portal.organizations.scoping import OrganizationMixin
from metrics import selectors as metric_selectors
from metrics.months import month_label, parse_month_label

from . import exports, pdf, selectors
from .models import Report
from .templatetags.report_tags import month_title


def parse_month(label: str | None) -> int | None:
    """The month of a YYYY-MM label, None when it is not one."""
    try:
        return parse_month_label(label or "")
    except ValueError:
        return None


class ReportMixin(OrganizationMixin):
    section = "report"  # the tab of the customer-room pages (templates/reports/manage_layout.html)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("section", self.section)
        return super().get_context_data(**kwargs)

    def report_url(self, name: str, **kwargs) -> str:
        return reverse(f"reports:{name}", kwargs={"org_slug": self.organization.slug, **kwargs})

    def compute_url(self) -> str | None:
        """Where cco and admin compute reports (the schedule page); None for those who may not."""
        return self.report_url("schedule") if self.is_manager else None

    @property
    def month(self) -> int:
        return self.kwargs["month"]  # a number: reports.urls.MonthConverter

    @cached_property
    def report(self) -> Report:
        """The month's report from the newest data; 404 when none is done."""
        report = selectors.latest_report(self.organization, self.month)
        if report is None or not report.figures:
            raise Http404("No report for this month.")
        return report

    def report_context(self) -> dict:
        return pdf.report_page_context(self.organization, self.report)

    def why_no_report(self, month: int) -> str:
        """Why `month` has no report, in words: it has no customer data, or it was not computed yet."""
        title = month_title(month_label(month))
        if month not in metric_selectors.months(self.organization):
            return gettext(
                "There is no report of %(month)s: it has no customer data, and only a month with data has one."
            ) % {"month": title}
        if self.is_manager:
            return gettext(
                "There is no report of %(month)s yet: its customer data is in; compute it on the Schedule page."
            ) % {"month": title}
        return gettext(
            "There is no report of %(month)s yet: its customer data is in, but the CCO has not computed it."
        ) % {"month": title}

    def file_name(self, extension: str) -> str:
        return pdf.report_file_name(self.organization, self.month, extension)


class LatestView(ReportMixin, TemplateView):
    """The newest month's report (or the month a picker asked for), or what to do while there is none."""

    template_name = "reports/empty.html"

    def get(self, request, *args, **kwargs):
        reports = selectors.latest_reports(self.organization)
        wanted = parse_month(request.GET.get("month"))
        months = {report.month for report in reports}
        if wanted in months:
            return redirect(self.report_url("dashboard", month=month_label(wanted)))
        if wanted is not None:
            messages.warning(request, self.why_no_report(wanted))
        if reports:
            # The newest month that has customer data: a report of a month without any is never the landing page.
            with_data = set(metric_selectors.months(self.organization))
            landing = next((report for report in reports if report.month in with_data), reports[0])
            return redirect(self.report_url("dashboard", month=landing.month_label))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            has_customer_data=bool(metric_selectors.months(self.organization)),
            compute_url=self.compute_url(),
            **kwargs,
        )


class DashboardView(ReportMixin, TemplateView):
    """A month's report: the bridge as waterfalls in customers and value beside the same month a year
    earlier, the 24-month trend, segments, lost customers by reason, the roadmap, the latest readiness
    and commitment results, and the customer-room actions."""

    template_name = "reports/dashboard.html"

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # Said on the page, with the way to the newest report, rather than as "this page does not exist".
            context = ReportMixin.get_context_data(self, why_no_report=self.why_no_report(self.month))
            return self.response_class(request=request, template="reports/empty.html", context=context, status=404)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **self.report_context(),
            months=[report.month_label for report in selectors.latest_reports(self.organization)],
            **kwargs,
        )


class PdfView(ReportMixin, View):
    """The whole report as an A4 landscape PDF, charts included, rendered from the stored snapshot."""

    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            pdf.report_pdf(self.report),
            content_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{self.file_name("pdf")}"'},
        )
        return audited_download(request, self.organization, response, "customer-room report PDF")


class CsvView(ReportMixin, View):
    """The report's tables, one CSV file each, in a zip."""

    def get(self, request, *args, **kwargs):
        tables = exports.tables_zip(
            self.report.figures,
            selectors.actions_for_report(self.organization, self.month),
            selectors.report_accountability(self.report),
            folder=self.file_name("csv").removesuffix(".csv"),
        )
        response = HttpResponse(
            tables,
            content_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{self.file_name("zip")}"'},
        )
        return audited_download(request, self.organization, response, "customer-room report CSV tables")
