"""The customer-room meeting pages, under /o/<slug>/reports/meetings/: the meetings (the next one first, then the
past ones), one meeting with its invitation to download, and, for the CCO and admins, the monthly series,
scheduling the next meeting, moving and cancelling one. Every member reads. Writes go through meetings.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from cco_portal.audit.services import audited_download
from cco_portal.organizations.roles import ANY_MEMBER, MANAGERS
from cco_portal.service_errors import add_service_errors

from ..views_manage import ManageMixin
from . import calendar, selectors, services
from .forms import RescheduleForm, Rule, SeriesForm
from .models import Meeting


class MeetingMixin(ManageMixin):
    section = "meetings"

    def meetings_url(self) -> str:
        return self.reports_url("meetings")

    def get_meeting(self) -> Meeting:
        return get_object_or_404(selectors.meetings(self.organization), pk=self.kwargs["meeting_id"])


class MeetingListView(MeetingMixin, TemplateView):
    template_name = "reports/meetings/list.html"
    required_roles = ANY_MEMBER

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            series=selectors.series_of(self.organization),
            meetings=selectors.meeting_list(self.organization),
            **kwargs,
        )


class SeriesView(MeetingMixin, FormView):
    """When the customer room meets each month, and whom it invites."""

    template_name = "reports/meetings/series.html"
    form_class = SeriesForm
    required_roles = MANAGERS
    write_roles = MANAGERS

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "leaders": selectors.leaders(self.organization)}

    def get_initial(self):
        series = selectors.series_of(self.organization)
        if series is None:
            return {"time_zone": "UTC", "rule": Rule.WEEKDAY}
        return {
            "rule": Rule.DAY if series.day_of_month is not None else Rule.WEEKDAY,
            "day_of_month": series.day_of_month,
            "week_of_month": series.week_of_month,
            "weekday": series.weekday,
            "start_time": series.start_time,
            "time_zone": series.time_zone,
            "duration_minutes": series.duration_minutes,
            "invited": list(series.invited.all()),
        }

    def form_valid(self, form):
        try:
            services.set_meeting_series(
                organization=self.organization,
                changed_by=self.request.user,
                **form.series_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The customer room's monthly meeting is set."))
        return redirect(self.meetings_url())


class ScheduleNextView(MeetingMixin, View):
    """Schedule the series' next meeting, which sends its invitation to the invited leaders."""

    required_roles = MANAGERS
    write_roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            meeting = services.schedule_next_meeting(organization=self.organization, scheduled_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.meetings_url())
        messages.success(request, _("The meeting is scheduled and its invitation sent to the invited leaders."))
        return redirect(self.reports_url("meeting", meeting_id=meeting.pk))


class MeetingView(MeetingMixin, TemplateView):
    template_name = "reports/meetings/detail.html"
    required_roles = ANY_MEMBER

    def get_context_data(self, **kwargs):
        meeting = self.get_meeting()
        return super().get_context_data(
            meeting=meeting, invited=list(meeting.invited.order_by("full_name", "email")), **kwargs
        )


class MeetingCalendarView(MeetingMixin, View):
    """The meeting's invitation as an .ics file, for the person downloading it."""

    required_roles = ANY_MEMBER
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        content = calendar.meeting_calendar(meeting, url=selectors.meeting_url(meeting), attendee=request.user)
        response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{calendar.file_name(meeting)}"'
        return audited_download(request, self.organization, response, "customer-room meeting invitation")


class MeetingEditView(MeetingMixin, FormView):
    """Move a meeting still to come, change its length or whom it invites."""

    template_name = "reports/meetings/edit.html"
    form_class = RescheduleForm
    required_roles = MANAGERS
    write_roles = MANAGERS

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "leaders": selectors.leaders(self.organization),
            "time_zone": self.get_meeting().time_zone,
        }

    def get_initial(self):
        meeting = self.get_meeting()
        local = meeting.local_starts_at
        return {
            "day": local.date(),
            "start_time": local.time(),
            "duration_minutes": meeting.duration_minutes,
            "invited": list(meeting.invited.all()),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.get_meeting(), **kwargs)

    def form_valid(self, form):
        meeting = self.get_meeting()
        try:
            services.reschedule_meeting(meeting=meeting, changed_by=self.request.user, **form.change())
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The meeting is changed and the invited leaders are sent the update."))
        return redirect(self.reports_url("meeting", meeting_id=meeting.pk))


class MeetingCancelView(MeetingMixin, View):
    required_roles = MANAGERS
    write_roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        try:
            services.cancel_meeting(meeting=meeting, cancelled_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The meeting is cancelled and the invited leaders are sent the cancellation."))
        return redirect(self.reports_url("meeting", meeting_id=meeting.pk))
