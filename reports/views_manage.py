"""Pages that run the customer room (the report pages themselves are in views.py): the monthly schedule
with "compute now" and the status of recent computations, for cco and admin; and the actions leadership
agreed, which cco and admin record and change and every member reads.

Scoped by OrganizationMixin; writes go through schedule.py, services.py and actions.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from cco_portal.organizations.roles import ANY_MEMBER, MANAGERS
from cco_portal.organizations.scoping import OrganizationMixin
from metrics import selectors as metric_selectors
from metrics.months import month_index, month_label

from . import actions, schedule, selectors, services
from .accountability import accountability
from .forms import ActionForm, ComputeForm, ScheduleForm
from .models import CustomerRoomAction


class ManageMixin(OrganizationMixin):
    section = "schedule"

    def reports_url(self, name: str, **kwargs) -> str:
        return reverse(f"reports:{name}", kwargs={"org_slug": self.organization.slug, **kwargs})

    def get_context_data(self, **kwargs):
        kwargs.setdefault("section", self.section)
        return super().get_context_data(**kwargs)

    def form_errors(self, form, error: ValidationError) -> None:
        """A service's refusal shown on the form: per field when it named fields."""
        if hasattr(error, "error_dict"):
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            form.add_error(None, error.messages)


class ScheduleView(ManageMixin, FormView):
    """The day and hour of the monthly run, "compute now", and how the latest computations went."""

    template_name = "reports/schedule.html"
    form_class = ScheduleForm
    required_roles = MANAGERS
    write_roles = MANAGERS

    def get_initial(self):
        current = selectors.schedule_of(self.organization)
        return {"day_of_month": current.day_of_month, "hour": current.hour, "enabled": current.enabled}

    def get_context_data(self, **kwargs):
        runs = selectors.recent_runs(self.organization)
        last_month = month_label(month_index(timezone.localdate()) - 1)
        return super().get_context_data(
            schedule=selectors.schedule_of(self.organization),
            runs=runs,
            is_busy=any(not run.is_finished for run in runs),
            compute_form=ComputeForm(
                initial={"month": last_month}, data_months=metric_selectors.months(self.organization)
            ),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            schedule.set_report_schedule(
                organization=self.organization, updated_by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            self.form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The schedule is saved."))
        return redirect(self.reports_url("schedule"))


class ComputeView(ManageMixin, View):
    """Compute a month's report now, from the current data."""

    required_roles = MANAGERS

    write_roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        data_months = metric_selectors.months(self.organization)
        form = ComputeForm(request.POST, data_months=data_months)
        if not form.is_valid():
            if data_months:
                messages.error(
                    request,
                    _("Choose a month that has customer data: they run from %(first)s to %(last)s.")
                    % {"first": month_label(data_months[0]), "last": month_label(data_months[-1])},
                )
            else:
                messages.error(request, _("No customer data has been imported yet: import activity first."))
            return redirect(self.reports_url("schedule"))
        month = form.cleaned_data["month"]
        try:
            report = services.request_report(organization=self.organization, month=month)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
            return redirect(self.reports_url("schedule"))
        report.refresh_from_db()
        if report.is_done:
            messages.success(request, _("The report of %(month)s is ready.") % {"month": month_label(month)})
        else:
            messages.info(
                request,
                _("The report of %(month)s is being computed; its status is below.") % {"month": month_label(month)},
            )
        return redirect(self.reports_url("schedule"))


class ActionListView(ManageMixin, FormView):
    """Every action agreed in the customer room, newest meeting first; cco and admin add one here."""

    template_name = "reports/actions.html"
    form_class = ActionForm
    section = "actions"

    def get_required_roles(self):
        return MANAGERS if self.request.method == "POST" else ANY_MEMBER

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.organization}

    def get_initial(self):
        return {"month": month_label(month_index(timezone.localdate()))}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            actions=selectors.actions(self.organization), accountability=accountability(self.organization), **kwargs
        )

    def form_valid(self, form):
        try:
            action = actions.record_action(
                organization=self.organization, created_by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            self.form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("“%(title)s” is recorded.") % {"title": action.title})
        for warning in actions.recording_warnings(action):
            messages.warning(self.request, warning)
        return redirect(self.reports_url("actions"))


class ActionMixin(ManageMixin):
    section = "actions"
    required_roles = MANAGERS
    write_roles = MANAGERS

    def get_action(self) -> CustomerRoomAction:
        return get_object_or_404(
            CustomerRoomAction.objects.for_organization(self.organization).select_related("milestone", "owner"),
            pk=self.kwargs["action_id"],
        )


class ActionEditView(ActionMixin, FormView):
    """Change an action: its title, owner, due date, status or meeting."""

    template_name = "reports/action_form.html"
    form_class = ActionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organization": self.organization}

    def get_initial(self):
        action = self.get_action()
        return {
            "month": action.month_label,
            "title": action.title,
            "owner": action.owner_id,
            "due_date": action.due_date,
            "status": action.status,
            "journey_stage": action.journey_stage_id,
            "touchpoint": action.touchpoint_id,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(action=self.get_action(), **kwargs)

    def form_valid(self, form):
        try:
            actions.update_action(action=self.get_action(), **form.cleaned_data)
        except ValidationError as error:
            self.form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The action is saved."))
        return redirect(self.reports_url("actions"))


class ActionMilestoneView(ActionMixin, View):
    """Make an action a milestone of competency 5 on the roadmap, in one step."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            milestone = actions.make_action_milestone(action=self.get_action(), created_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.reports_url("actions"))
        messages.success(request, _("“%(title)s” is now a milestone on the roadmap.") % {"title": milestone.title})
        return redirect(milestone.get_absolute_url())
