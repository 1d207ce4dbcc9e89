"""The customer-room meeting pages, under /o/<slug>/reports/meetings/: the meetings (the next one first, then the
past ones), one meeting with its invitation to download, and, for the CCO and admins, the monthly series,
scheduling the next meeting, moving and cancelling one. Every member reads. Writes go through meetings.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from cco_portal.audit.services import audited_download
from cco_portal.organizations.roles import ANY_MEMBER, MANAGERS
from cco_portal.service_errors import add_service_errors

from .. import charts
from ..accountability import accountability
from ..views_manage import ManageMixin
from . import calendar, decision, minutes, record, selectors, services
from .forms import (
    AttendanceForm,
    CandidateForm,
    CorrectionForm,
    DecisionForm,
    RankingForm,
    RescheduleForm,
    Rule,
    SeriesForm,
    StoryForm,
    StoryNoteForm,
)
from .models import Candidate, CustomerStory, Meeting, StoryMovement


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
            accountability=accountability(self.organization),
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
    """The meeting and its agenda: last month's actions, the bridge, who left and why (from the month's stored
    report), the candidate actions with one's own ranking (everyone's combined once the meeting has started), and
    the decision."""

    template_name = "reports/meetings/detail.html"
    required_roles = ANY_MEMBER

    def get_context_data(self, **kwargs):
        meeting = self.get_meeting()
        candidates = selectors.candidates(meeting)
        may_propose = self.has_role(*selectors.PROPOSERS)
        is_open = not meeting.is_cancelled and not meeting.is_decided and not meeting.is_closed
        own = selectors.own_ranking(meeting, self.request.user)
        places = {candidate.pk: place for place, candidate in enumerate(own, start=1)}
        kwargs.setdefault("candidate_form", CandidateForm())
        kwargs.setdefault(
            "ranking_form",
            RankingForm(candidates=candidates, initial={f"place_{pk}": place for pk, place in places.items()}),
        )
        kwargs.setdefault(
            "decision_form", DecisionForm(candidates=candidates, members=selectors.leaders(self.organization))
        )
        kwargs.setdefault("story_form", StoryForm())
        kwargs.setdefault(
            "attendance_form",
            AttendanceForm(
                invited=meeting.invited.all(),
                initial={"present": [line.person for line in selectors.attendance(meeting) if line.present]},
            ),
        )
        kwargs.setdefault("correction_form", CorrectionForm())
        may_run = self.is_manager and not meeting.is_cancelled and not meeting.is_closed
        return super().get_context_data(
            meeting=meeting,
            invited=list(meeting.invited.order_by("full_name", "email")),
            stories=[(story, charts.story_chart(story.history)) for story in selectors.stories(meeting)],
            story_lists=[
                (label, selectors.story_movement_url(meeting, value)) for value, label in StoryMovement.choices
            ],
            attendance=selectors.attendance(meeting),
            corrections=selectors.corrections(meeting),
            may_pick_stories=may_run,
            may_record_attendance=may_run and meeting.has_started,
            may_close=may_run and meeting.has_started,
            may_correct=self.is_manager and meeting.is_closed,
            agenda=selectors.agenda(meeting),
            candidates=candidates,
            own_ranking=own,
            combined=selectors.combined_ranking(meeting) if selectors.may_see_combined_ranking(meeting) else None,
            not_chosen_before=selectors.not_chosen_before(meeting) if is_open else [],
            may_propose=may_propose and is_open,
            may_decide=self.is_manager and is_open and meeting.has_started,
            may_start=self.is_manager and is_open and not meeting.has_started and not meeting.is_closed,
            max_actions=self.organization.customer_room_max_actions,
            **kwargs,
        )


class MeetingWriteView(MeetingView):
    """A write from the meeting's page: on a refusal the page again, with what to fix."""

    http_method_names = ["post"]

    def refused(self, error: ValidationError, **forms):
        for form in forms.values():
            add_service_errors(form, error)
        if not forms:
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.meeting_url())
        return self.render_to_response(self.get_context_data(**forms))

    def meeting_url(self) -> str:
        return self.reports_url("meeting", meeting_id=self.kwargs["meeting_id"])

    def get_candidate(self, **filters) -> Candidate:
        return get_object_or_404(
            Candidate.objects.for_organization(self.organization).filter(**filters), pk=self.kwargs["candidate_id"]
        )


class ProposeView(MeetingWriteView):
    write_roles = selectors.PROPOSERS

    def post(self, request, *args, **kwargs):
        form = CandidateForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(candidate_form=form))
        try:
            decision.propose_candidate(
                meeting=self.get_meeting(), proposed_by=request.user, roles=self.roles, **form.cleaned_data
            )
        except ValidationError as error:
            return self.refused(error, candidate_form=form)
        messages.success(request, _("Your candidate is proposed."))
        return redirect(self.meeting_url())


class WithdrawView(MeetingWriteView):
    write_roles = selectors.PROPOSERS

    def post(self, request, *args, **kwargs):
        candidate = self.get_candidate(meeting=self.get_meeting())
        try:
            decision.withdraw_candidate(candidate=candidate, user=request.user)
        except ValidationError as error:
            return self.refused(error)
        messages.success(request, _("Your candidate is withdrawn."))
        return redirect(self.meeting_url())


class ProposeAgainView(MeetingWriteView):
    """Propose again, as one's own, a candidate an earlier meeting did not choose."""

    write_roles = selectors.PROPOSERS

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        try:
            decision.propose_again(
                candidate=self.get_candidate(), meeting=meeting, proposed_by=request.user, roles=self.roles
            )
        except ValidationError as error:
            return self.refused(error)
        messages.success(request, _("The candidate is proposed again."))
        return redirect(self.meeting_url())


class RankView(MeetingWriteView):
    write_roles = selectors.PROPOSERS

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        form = RankingForm(request.POST, candidates=selectors.candidates(meeting))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(ranking_form=form))
        try:
            decision.rank_candidates(
                meeting=meeting, user=request.user, roles=self.roles, candidate_ids=form.cleaned_data["candidate_ids"]
            )
        except ValidationError as error:
            return self.refused(error, ranking_form=form)
        messages.success(request, _("Your ranking is saved."))
        return redirect(self.meeting_url())


class StartView(MeetingWriteView):
    write_roles = MANAGERS

    def post(self, request, *args, **kwargs):
        try:
            decision.start_meeting(meeting=self.get_meeting(), started_by=request.user)
        except ValidationError as error:
            return self.refused(error)
        messages.success(request, _("The meeting has started: everyone now sees the combined ranking."))
        return redirect(self.meeting_url())


class DecideView(MeetingWriteView):
    write_roles = MANAGERS

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        form = DecisionForm(
            request.POST, candidates=selectors.candidates(meeting), members=selectors.leaders(self.organization)
        )
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(decision_form=form))
        try:
            agreed = decision.record_decision(meeting=meeting, decided_by=request.user, agreed=form.agreed())
        except ValidationError as error:
            return self.refused(error, decision_form=form)
        messages.success(
            request,
            ngettext(
                "The room agreed %(count)s action; it is on the actions page.",
                "The room agreed %(count)s actions; they are on the actions page.",
                len(agreed),
            )
            % {"count": len(agreed)},
        )
        return redirect(self.meeting_url())


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


class StoryPickView(MeetingWriteView):
    """Pick a customer from the drill-down of the meeting's month as one of its stories."""

    write_roles = MANAGERS

    def post(self, request, *args, **kwargs):
        form = StoryForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(story_form=form))
        try:
            story = record.pick_story(meeting=self.get_meeting(), picked_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            return self.refused(error, story_form=form)
        messages.success(request, _("%(customer)s is a story of this meeting.") % {"customer": story.customer})
        return redirect(self.meeting_url() + "#stories")


class StoryWriteView(MeetingWriteView):
    write_roles = MANAGERS

    def get_story(self) -> CustomerStory:
        return get_object_or_404(
            CustomerStory.objects.for_organization(self.organization).filter(meeting=self.get_meeting()),
            pk=self.kwargs["story_id"],
        )


class StoryNoteView(StoryWriteView):
    def post(self, request, *args, **kwargs):
        story = self.get_story()
        form = StoryNoteForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("A note is at most 2000 characters."))
            return redirect(self.meeting_url() + "#stories")
        try:
            record.write_story_note(story=story, written_by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            return self.refused(error)
        messages.success(request, _("The note on %(customer)s is saved.") % {"customer": story.customer})
        return redirect(self.meeting_url() + "#stories")


class StoryRemoveView(StoryWriteView):
    def post(self, request, *args, **kwargs):
        try:
            record.remove_story(story=self.get_story(), removed_by=request.user)
        except ValidationError as error:
            return self.refused(error)
        messages.success(request, _("The story is removed."))
        return redirect(self.meeting_url() + "#stories")


class AttendanceView(MeetingWriteView):
    write_roles = MANAGERS

    def post(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        form = AttendanceForm(request.POST, invited=meeting.invited.all())
        if not form.is_valid():
            # Also as `form`, the name the pages' forms go by when they come back with what to fix.
            return self.render_to_response(self.get_context_data(attendance_form=form, form=form))
        try:
            record.record_attendance(
                meeting=meeting, recorded_by=request.user, present=list(form.cleaned_data["present"])
            )
        except ValidationError as error:
            return self.refused(error, attendance_form=form)
        messages.success(request, _("Attendance is recorded."))
        return redirect(self.meeting_url() + "#attendance")


class CloseView(MeetingWriteView):
    write_roles = MANAGERS

    def post(self, request, *args, **kwargs):
        try:
            record.close_meeting(meeting=self.get_meeting(), closed_by=request.user)
        except ValidationError as error:
            return self.refused(error)
        messages.success(request, _("The meeting is closed: its minutes are sent to the invited leaders."))
        return redirect(self.meeting_url())


class CorrectionView(MeetingWriteView):
    write_roles = MANAGERS

    def post(self, request, *args, **kwargs):
        form = CorrectionForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(correction_form=form))
        try:
            record.correct_minutes(meeting=self.get_meeting(), written_by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            return self.refused(error, correction_form=form)
        messages.success(request, _("The correction is added to the minutes."))
        return redirect(self.meeting_url() + "#corrections")


class MinutesPdfView(MeetingMixin, View):
    """The meeting's minutes as a PDF, with the corrections written since it was closed."""

    required_roles = ANY_MEMBER
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        if not meeting.is_closed:
            messages.error(request, _("The minutes are published when the CCO closes the meeting."))
            return redirect(self.reports_url("meeting", meeting_id=meeting.pk))
        response = HttpResponse(minutes.minutes_pdf(meeting), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{minutes.file_name(meeting)}"'
        return audited_download(request, self.organization, response, "customer-room meeting minutes")
