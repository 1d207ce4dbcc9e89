"""Pages of the customer asset: the dashboard of a month's bridge and trend, the customers behind every
figure (and as CSV), the imports with their progress, and the activity window.

Every page is scoped to the URL's organization by OrganizationMixin and reads the stored movements
through selectors.py; imports go through services.start_import, the window through
computation.change_activity_window. Every member reads the figures; cco and admin import and set the window.
"""

import contextlib
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from cco_portal.audit.services import audited_download
from cco_portal.csv_export import csv_response
from cco_portal.organizations.roles import MANAGERS
from cco_portal.organizations.scoping import OrganizationMixin

from . import charts, periods, selectors, services
from .computation import change_activity_window
from .customer_list_offers import CustomerList, offers_for
from .forms import (
    FIGURES,
    ActivityWindowForm,
    DrillDownForm,
    ImportForm,
    PeriodSegmentForm,
    ReasonForm,
)
from .models import ActivityImport, ImportStatus, to_amount
from .months import month_label, parse_month_label
from .uploads import TakesCustomerFiles

PAGE_SIZE = 100
IMPORTS_PAGE_SIZE = 25
TREND_MONTHS = 24
# The periods of the trend beside a quarter's or a year's bridge: two years of quarters, up to ten years.
TREND_PERIODS = {"quarter": 8, "year": 10}
# What a period is called in the pages' sentences ("the month before", "quarter by quarter").
UNITS = {"month": _lazy("month"), "quarter": _lazy("quarter"), "year": _lazy("year")}


class MetricsMixin(OrganizationMixin):
    section = "dashboard"  # the tab of the customer pages the page belongs to

    def get_context_data(self, **kwargs):
        kwargs.setdefault("section", self.section)
        return super().get_context_data(**kwargs)

    def metrics_url(self, name: str, **kwargs) -> str:
        return reverse(f"metrics:{name}", kwargs={"org_slug": self.organization.slug, **kwargs})


class DashboardView(MetricsMixin, TemplateView):
    """A month's, quarter's or year's bridge in customers and value, the trend up to it, and lost customers
    by reason; for every customer or one segment."""

    template_name = "metrics/dashboard.html"

    def get_context_data(self, **kwargs):
        months = selectors.months(self.organization)
        form = PeriodSegmentForm(
            self.request.GET,
            months=months,
            segments=selectors.segments(self.organization),
            periods_of=lambda length: periods.periods(self.organization, length),
        )
        context = {"dataset": selectors.dataset(self.organization), "form": form, "unit": UNITS[form.by]}
        if form.length > 1:
            context.update(self.period_context(form) if months else {})
            return super().get_context_data(**context, **kwargs)
        bridge = months and selectors.bridge(self.organization, form.selected_month, segment=form.selected_segment)
        if bridge:
            trend = list(
                selectors.monthly_movements(
                    self.organization,
                    segment=form.selected_segment,
                    first=form.selected_month - TREND_MONTHS + 1,
                    last=form.selected_month,
                )
            )
            context.update(
                bridge=bridge,
                bridge_name=form.selected_name,
                figures=charts.bridge_figures(bridge),
                waterfalls=charts.bridge_waterfalls(bridge),
                trend=trend,
                count_trend=charts.trend_chart(trend, measure="count"),
                value_trend=charts.trend_chart(trend, measure="value"),
                lost_reasons=selectors.lost_by_reason(
                    self.organization, form.selected_month, segment=form.selected_segment
                ),
                drill_query=urlencode(form.query()),
            )
        return super().get_context_data(**context, **kwargs)

    def period_context(self, form: PeriodSegmentForm) -> dict:
        """The bridge of a quarter or a year, read from the activity (metrics/periods.py), and those before it."""
        series = periods.period_bridges(self.organization, form.length).get(form.selected_segment, [])
        chosen = [index for index, bridge in enumerate(series) if bridge.period == form.selected_period]
        if not chosen:
            return {}
        bridge = series[chosen[0]]
        trend = series[max(0, chosen[0] - TREND_PERIODS[form.by] + 1) : chosen[0] + 1]
        return {
            "bridge": bridge,
            "bridge_name": form.selected_name,
            "data_last_month": periods.data_last_month(self.organization),
            "period_span": max(periods.window(self.organization), form.length),
            "figures": charts.bridge_figures(bridge),
            "waterfalls": charts.bridge_waterfalls(bridge),
            "trend": trend,
            "count_trend": charts.period_trend_chart(trend, measure="count"),
            "value_trend": charts.period_trend_chart(trend, measure="value"),
            "lost_reasons": periods.lost_by_reason(
                self.organization, form.length, bridge.period, segment=form.selected_segment
            ),
            "drill_query": urlencode(form.query()),
        }


class DrillDownMixin(MetricsMixin):
    section = "customers"

    @cached_property
    def form(self) -> DrillDownForm:
        return DrillDownForm(
            self.request.GET,
            months=selectors.months(self.organization),
            segments=selectors.segments(self.organization),
            periods_of=lambda length: periods.periods(self.organization, length),
        )

    def no_reason(self) -> str:
        """What a line without a recorded reason shows: lost customers are counted as "unknown"."""
        return selectors.UNKNOWN_REASON if self.form.selected_figure == "lost" else ""

    def lines(self) -> list[selectors.CustomerLine]:
        form = self.form
        # No list before there are computed months: the lists follow the figures shown beside them.
        if form.selected_month is None or form.selected_period is None:
            return []
        if form.length > 1:
            return periods.customers_behind_period(
                self.organization,
                form.length,
                form.selected_period,
                form.selected_figure,
                segment=form.selected_segment,
            )
        return selectors.customers_behind(
            self.organization, form.selected_month, form.selected_figure, segment=form.selected_segment
        )

    def reason_month(self) -> int | None:
        """The month a reason written from this list is recorded in."""
        form = self.form
        if form.length == 1 or form.selected_period is None:
            return form.selected_month
        last = periods.data_last_month(self.organization)
        return periods.reason_month(form.length, form.selected_period, last) if last is not None else None


class CustomersView(DrillDownMixin, TemplateView):
    """The customers behind one figure of a month's bridge, 100 to a page, with what the apps above offer on
    them (metrics.customer_list_offers)."""

    template_name = "metrics/customers.html"

    def offers(self) -> list:
        form = self.form
        if form.selected_period is None:
            return []
        return offers_for(
            CustomerList(
                organization=self.organization,
                roles=self.roles,
                month=form.selected_month if form.length == 1 else None,
                figure=form.selected_figure,
                path=self.request.get_full_path(),
            )
        )

    def get_context_data(self, **kwargs):
        page = Paginator(self.lines(), PAGE_SIZE).get_page(self.request.GET.get("page"))
        offers = self.offers()
        return super().get_context_data(
            form=self.form,
            page=page,
            page_range=page.paginator.get_elided_page_range(page.number),
            figure_label=dict(FIGURES)[self.form.selected_figure],
            no_reason=self.no_reason(),
            reason_month=self.reason_month(),
            unit=UNITS[self.form.by],
            dashboard_query=urlencode({k: v for k, v in self.form.query().items() if v}),
            window=getattr(selectors.dataset(self.organization), "computed_window", 1),
            offers=offers,
            row_offers=[offer for offer in offers if offer.row_template],
            **kwargs,
        )


class ReasonView(MetricsMixin, FormView):
    """Why one customer moved in one month, written on the customer from a list behind a figure; back to the list."""

    section = "customers"
    required_roles = MANAGERS
    write_roles = MANAGERS
    template_name = "metrics/reason.html"
    form_class = ReasonForm

    def get_initial(self):
        customer, month = self.request.GET.get("customer", ""), self.request.GET.get("month", "")
        current = ""
        with contextlib.suppress(ValueError):
            current = selectors.reason_of(self.organization, customer, parse_month_label(month)) or ""
        return {"customer": customer, "month": month, "reason": current, "next": self.request.GET.get("next", "")}

    def back(self, form) -> str:
        wanted = form.data.get("next") or form.initial.get("next") or ""
        if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={self.request.get_host()}):
            return wanted
        return self.metrics_url("customers")

    def get_context_data(self, **kwargs):
        form = kwargs.get("form") or self.get_form()
        return super().get_context_data(back_url=self.back(form), **kwargs)

    def form_valid(self, form):
        try:
            services.record_reason(
                organization=self.organization,
                customer=form.cleaned_data["customer"],
                month=form.cleaned_data["month"],
                reason=form.cleaned_data["reason"],
                recorded_by=self.request.user,
            )
        except ValidationError as error:
            # The customer and the month are hidden fields: what is wrong with them is said above the form.
            for field, problems in error.message_dict.items():
                form.add_error("reason" if field == "reason" else None, problems)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The reason for %(customer)s is saved.") % {"customer": form.cleaned_data["customer"]}
        )
        return redirect(self.back(form))


class CustomersCsvView(DrillDownMixin, View):
    HEADER = ["customer_id", "segment", "value_before", "value_now", "change", "reason"]

    def get(self, request, *args, **kwargs):
        form = self.form
        if form.selected_period is None:
            month = "none"
        elif form.length == 1:
            month = month_label(form.selected_period)
        else:
            month = periods.period_label(form.selected_period, form.length)
        no_reason = self.no_reason()
        rows = (
            [
                line.customer,
                line.segment,
                to_amount(line.previous_value),
                to_amount(line.value),
                to_amount(line.change),
                line.reason or no_reason,
            ]
            for line in self.lines()
        )
        response = csv_response(
            f"customers-{self.organization.slug}-{month}-{self.form.selected_figure}.csv", self.HEADER, rows
        )
        return audited_download(request, self.organization, response, "customers behind a figure")


class ImportsView(TakesCustomerFiles, MetricsMixin, FormView):
    """The history of the organization's imports and the form that starts a new one."""

    section = "imports"
    required_roles = MANAGERS
    write_roles = MANAGERS
    template_name = "metrics/imports.html"
    form_class = ImportForm

    def get_context_data(self, **kwargs):
        imports = ActivityImport.objects.for_organization(self.organization).select_related("created_by")
        page = Paginator(imports, IMPORTS_PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(page=page, **kwargs)

    def form_valid(self, form):
        try:
            activity_import = services.start_import(
                organization=self.organization,
                uploaded_file=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                mode=form.cleaned_data["mode"],
                created_by=self.request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
            return self.form_invalid(form)
        return redirect(self.metrics_url("import", import_id=activity_import.pk))


def progress(activity_import: ActivityImport) -> dict:
    """What the progress bar shows, on the page and to the script that polls for it."""
    total, done = activity_import.rows_total, activity_import.rows_done
    if activity_import.status == ImportStatus.SUCCEEDED:
        percent = 100
    elif total:
        percent = min(100, done * 100 // total)
    else:
        percent = 0
    return {
        "status": activity_import.status,
        "status_label": activity_import.get_status_display(),
        "rows_done": done,
        "rows_total": total,
        "percent": percent,
        "error_count": activity_import.error_count,
        "finished": activity_import.is_finished,
        "waiting_reason": activity_import.waiting_reason,
    }


class ImportMixin(MetricsMixin):
    section = "imports"
    required_roles = MANAGERS

    @cached_property
    def activity_import(self) -> ActivityImport:
        imports = ActivityImport.objects.for_organization(self.organization).select_related("created_by")
        return get_object_or_404(imports, pk=self.kwargs["import_id"])


class ImportView(ImportMixin, TemplateView):
    """One import: its progress while it runs, what it brought or why it was rejected."""

    template_name = "metrics/import.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            activity_import=self.activity_import, progress=progress(self.activity_import), **kwargs
        )


class ImportStatusView(ImportMixin, View):
    def get(self, request, *args, **kwargs):
        return JsonResponse(progress(self.activity_import))


class RecomputeView(MetricsMixin, View):
    """Try again to bring the figures up to date after their computation failed."""

    required_roles = MANAGERS
    write_roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        services.retry_computation(organization=self.organization)
        messages.info(request, _("The figures are being computed again; reload this page in a moment."))
        return redirect(self.metrics_url("dashboard"))


class SettingsView(MetricsMixin, FormView):
    """The activity window: how many months of revenue make a customer active."""

    section = "settings"
    required_roles = MANAGERS
    write_roles = MANAGERS
    template_name = "metrics/settings.html"
    form_class = ActivityWindowForm

    def get_initial(self):
        return {"activity_window": self.organization.activity_window}

    def get_context_data(self, **kwargs):
        return super().get_context_data(dataset=selectors.dataset(self.organization), **kwargs)

    def form_valid(self, form):
        months = form.cleaned_data["activity_window"]
        try:
            change_activity_window(organization=self.organization, months=months, changed_by=self.request.user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error("activity_window", message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "The activity window is %(months)d month. The figures are recomputed with it in the background.",
                "The activity window is %(months)d months. The figures are recomputed with it in the background.",
                months,
            )
            % {"months": months},
        )
        return redirect(self.metrics_url("settings"))
