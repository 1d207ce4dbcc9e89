"""The listening path pages, under /o/<slug>/roadmap/listening/: every stage of the journey with the sources that
hear customers there, the gaps with what to do next, and one page per source with its history of reports. The CCO
and admins shape the path; a source's owner records its reports. Writes go through listening.services; a refused
form comes back on its page with what to fix."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from cco_portal.organizations.roles import ANY_MEMBER, MANAGERS
from cco_portal.service_errors import add_service_errors

from ..views import RoadmapMixin
from . import selectors, services
from .forms import FeedForm, ReportForm, SourceForm
from .models import StageFeed


class ListeningMixin(RoadmapMixin):
    section = "listening"

    def listening_url(self) -> str:
        return self.roadmap_url("listening")


class ListeningPathView(ListeningMixin, TemplateView):
    """The path as it stands, its gaps first; for the CCO and admins, the forms that add a source and attach a
    data source to a stage."""

    template_name = "roadmap/listening/path.html"
    required_roles = ANY_MEMBER

    def get_context_data(self, source_form=None, feed_form=None, **kwargs):
        may_manage = selectors.can_manage(self.roles)
        if may_manage:
            source_form = source_form or SourceForm(organization=self.organization)
            feed_form = feed_form or FeedForm(organization=self.organization)
        return super().get_context_data(
            path=selectors.listening_path(self.organization),
            may_manage=may_manage,
            source_form=source_form,
            feed_form=feed_form,
            **kwargs,
        )


class SourceAddView(ListeningPathView):
    required_roles = MANAGERS
    write_roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = SourceForm(request.POST, organization=self.organization)
        if form.is_valid():
            try:
                source = services.add_source(
                    organization=self.organization, added_by=request.user, **form.service_values()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("“%(name)s” added to the listening path.") % {"name": source.name})
                return redirect(self.listening_url())
        return self.render_to_response(self.get_context_data(source_form=form, form=form))


class FeedAttachView(ListeningPathView):
    required_roles = MANAGERS
    write_roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = FeedForm(request.POST, organization=self.organization)
        if form.is_valid():
            try:
                services.attach_feed(organization=self.organization, attached_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The data source now listens at “%(stage)s”.") % {"stage": form.cleaned_data["stage"].name},
                )
                return redirect(self.listening_url())
        return self.render_to_response(self.get_context_data(feed_form=form, form=form))


class FeedDetachView(ListeningMixin, TemplateView):
    required_roles = MANAGERS
    write_roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        stage_feed = get_object_or_404(
            StageFeed.objects.for_organization(self.organization), pk=self.kwargs["stage_feed_id"]
        )
        services.detach_feed(stage_feed=stage_feed, detached_by=request.user)
        messages.success(request, _("The data source no longer counts at that stage."))
        return redirect(self.listening_url())


class SourceView(ListeningMixin, TemplateView):
    """One source: its stages, owner, cadence and every report, latest first; the form to record a report for
    its owner and the managers; the form to change or remove it for the managers."""

    template_name = "roadmap/listening/source.html"
    required_roles = ANY_MEMBER
    write_roles = MANAGERS

    @cached_property
    def source(self):
        return get_object_or_404(selectors.sources(self.organization), pk=self.kwargs["listening_source_id"])

    def get_context_data(self, form=None, report_form=None, **kwargs):
        source = self.source
        may_manage = selectors.can_manage(self.roles)
        may_report = selectors.can_report(source, self.request.user, self.roles)
        if may_manage and form is None:
            form = SourceForm(initial=SourceForm.initial_of(source), organization=self.organization)
        if may_report and report_form is None:
            report_form = ReportForm(initial={"reported_on": timezone.localdate()})
        heard = next(item for item in selectors.listening_path(self.organization).heard if item.source == source)
        return super().get_context_data(
            source=source,
            heard=heard,
            reports=selectors.reports(source),
            may_manage=may_manage,
            may_report=may_report,
            form=form if may_manage else None,
            report_form=report_form if may_report else None,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "remove":
            name = self.source.name
            services.remove_source(source=self.source, removed_by=request.user)
            messages.success(request, _("“%(name)s” removed with its reports.") % {"name": name})
            return redirect(self.listening_url())
        form = SourceForm(request.POST, organization=self.organization)
        if form.is_valid():
            try:
                services.update_source(source=self.source, changed_by=request.user, **form.service_values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(self.roadmap_url("listening_source", listening_source_id=self.source.pk))
        return self.render_to_response(self.get_context_data(form=form))


class SourceReportView(SourceView):
    """Record that the source reported; its owner may, and the managers (the service decides)."""

    write_roles = ANY_MEMBER
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                services.record_report(
                    source=self.source, recorded_by=request.user, roles=self.roles, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Report recorded."))
                return redirect(self.roadmap_url("listening_source", listening_source_id=self.source.pk))
        return self.render_to_response(self.get_context_data(report_form=form))
