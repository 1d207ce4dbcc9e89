"""The audit log of an organization, for its admins: a page with a filter, and the filtered log as CSV."""

from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from cco_portal.csv_export import csv_response
from cco_portal.organizations.roles import ADMINS
from cco_portal.organizations.scoping import OrganizationMixin

from . import selectors
from .forms import AuditFilterForm
from .services import audited_download

PAGE_SIZE = 50
CSV_HEADER = ["when", "who", "action", "what", "target", "ip_address", "details"]


class AuditLogMixin(OrganizationMixin):
    required_roles = ADMINS
    http_method_names = ["get", "head", "options"]

    @cached_property
    def filter_form(self) -> AuditFilterForm:
        return AuditFilterForm(self.request.GET or None)

    def events(self):
        return selectors.audit_log(self.organization, **self.filter_form.filters())


class AuditLogView(AuditLogMixin, TemplateView):
    """Newest first: when, who, what and from which address."""

    template_name = "audit/log.html"

    def get_context_data(self, **kwargs):
        page = Paginator(self.events(), PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            filter_form=self.filter_form,
            page=page,
            events=page.object_list,
            page_range=page.paginator.get_elided_page_range(page.number),
            **kwargs,
        )


class AuditLogCsvView(AuditLogMixin, View):
    """The filtered log as a CSV file; downloading it is itself recorded."""

    def get(self, request, *args, **kwargs):
        rows = (
            [
                timezone.localtime(event.created_at).isoformat(),
                event.actor_email,
                event.action,
                event.get_action_display(),
                event.target,
                event.ip_address or "",
                "; ".join(f"{name}: {value}" for name, value in event.readable_details),
            ]
            for event in self.events().iterator()
        )
        filename = f"audit-log-{self.organization.slug}-{timezone.localdate():%Y-%m-%d}.csv"
        return audited_download(request, self.organization, csv_response(filename, CSV_HEADER, rows), "audit log CSV")
