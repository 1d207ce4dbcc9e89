"""Pages of the data sources, under /o/<slug>/metrics/sources/: the list, a new source, one source (its
settings, "pull now" and its pulls), and the column mapping of uploads. cco and admin only, as imports are.
Writes go through sources.services, reads through sources.selectors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from cco_portal.organizations.roles import MANAGERS

from ..views import MetricsMixin
from . import selectors, services
from .forms import ColumnMappingForm, DataSourceForm
from .models import DataSource

PULLS_PAGE_SIZE = 25


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


class SourcesMixin(MetricsMixin):
    section = "sources"
    required_roles = MANAGERS
    write_roles = MANAGERS


class SourceListView(SourcesMixin, TemplateView):
    template_name = "metrics/sources/list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(sources=selectors.data_sources(self.organization), **kwargs)


class SourceCreateView(SourcesMixin, FormView):
    template_name = "metrics/sources/form.html"
    form_class = DataSourceForm

    def form_valid(self, form):
        try:
            source = services.create_data_source(
                organization=self.organization, created_by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The source “%(name)s” is registered.") % {"name": source.name})
        return redirect(self.metrics_url("source", source_id=source.pk))


class SourceMixin(SourcesMixin):
    @cached_property
    def source(self) -> DataSource:
        return get_object_or_404(DataSource.objects.for_organization(self.organization), pk=self.kwargs["source_id"])


class SourceView(SourceMixin, FormView):
    """One source: its settings (the password never shown), "pull now", and its pulls."""

    template_name = "metrics/sources/source.html"
    form_class = DataSourceForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "editing": True}

    def get_initial(self):
        fields = ("name", "kind", "target", "mode", "url", "query", "column_map", "schedule", "enabled")
        return {name: getattr(self.source, name) for name in fields}

    def get_context_data(self, **kwargs):
        page = Paginator(selectors.pulls(self.source), PULLS_PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(source=self.source, page=page, **kwargs)

    def form_valid(self, form):
        changes = {name: value for name, value in form.cleaned_data.items() if name not in ("kind", "password")}
        try:
            services.update_data_source(
                source=self.source,
                changed_by=self.request.user,
                password=form.cleaned_data["password"] or None,
                **changes,
            )
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The source is saved."))
        return redirect(self.metrics_url("source", source_id=self.source.pk))


class SourcePullView(SourceMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        services.queue_pull(source=self.source, pulled_by=request.user)
        messages.success(request, _("The pull has started; its result appears among the pulls."))
        return redirect(self.metrics_url("source", source_id=self.source.pk))


class SourceDeleteView(SourceMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        name = self.source.name
        services.delete_data_source(source=self.source, deleted_by=request.user)
        messages.success(request, _("The source “%(name)s” is removed.") % {"name": name})
        return redirect(self.metrics_url("sources"))


class ColumnMappingView(SourcesMixin, FormView):
    """How the organization's own file headers map onto the import's columns, per kind of file."""

    template_name = "metrics/sources/mapping.html"
    form_class = ColumnMappingForm

    def get_initial(self):
        kind = self.request.GET.get("kind", "activity")
        return {"kind": kind, "mapping": selectors.column_mappings(self.organization).get(kind, {})}

    def get_context_data(self, **kwargs):
        return super().get_context_data(mappings=selectors.column_mappings(self.organization), **kwargs)

    def form_valid(self, form):
        try:
            services.set_column_mapping(
                organization=self.organization,
                kind=form.cleaned_data["kind"],
                mapping=form.cleaned_data["mapping"],
                changed_by=self.request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The column mapping is saved."))
        return redirect(self.metrics_url("column_mapping"))
