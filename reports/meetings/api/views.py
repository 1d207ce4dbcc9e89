"""The meetings API, under /api/v1/orgs/<slug>/reports/meetings/: the monthly series, the meetings, scheduling,
changing and cancelling one, its calendar invitation, its candidate actions, rankings and decision. Every member
reads; the CCO and admins run the meeting, leaders propose and rank their own candidates; writes go through
reports.meetings.services and reports.meetings.decision."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from cco_portal.audit.services import audited_download
from cco_portal.organizations.roles import MANAGERS
from cco_portal.organizations.scoping import OrganizationScopedAPIMixin

from .. import calendar, decision, minutes, record, selectors, services
from ..models import Candidate, CustomerStory, Meeting
from .serializers import (
    AttendanceInputSerializer,
    AttendanceLineSerializer,
    CandidateInputSerializer,
    CandidateSerializer,
    CorrectionInputSerializer,
    CorrectionSerializer,
    DecisionInputSerializer,
    MeetingSerializer,
    RankingInputSerializer,
    RankingSerializer,
    RescheduleSerializer,
    ScheduleMeetingSerializer,
    SeriesInputSerializer,
    SeriesSerializer,
    StoryInputSerializer,
    StoryNoteSerializer,
    StorySerializer,
)


class SeriesView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """When the customer room meets each month, and whom it invites; 404 until it is set."""

    serializer_class = SeriesSerializer
    write_roles = MANAGERS

    def get(self, request, *args, **kwargs):
        series = selectors.series_of(self.organization)
        if series is None:
            return Response({"detail": "No monthly meeting is set yet."}, status=status.HTTP_404_NOT_FOUND)
        return Response(self.get_serializer(series).data)

    @extend_schema(request=SeriesInputSerializer, responses=SeriesSerializer)
    def put(self, request, *args, **kwargs):
        """Set the series; meetings scheduled and not yet begun move to it, and their leaders get the update."""
        data = SeriesInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        series = services.set_meeting_series(
            organization=self.organization, changed_by=request.user, **data.validated_data
        )
        return Response(self.get_serializer(series).data)


class MeetingListView(OrganizationScopedAPIMixin, generics.ListAPIView):
    """The meetings, latest first."""

    queryset = Meeting.objects.prefetch_related("invited").select_related("organization")
    serializer_class = MeetingSerializer
    write_roles = MANAGERS

    @extend_schema(request=ScheduleMeetingSerializer, responses={201: MeetingSerializer})
    def post(self, request, *args, **kwargs):
        """Schedule the meeting on a month's report (the next one not scheduled, when no month is given); its
        invited leaders are sent the invitation."""
        data = ScheduleMeetingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if "report_month" in data.validated_data:
            meeting = services.schedule_meeting(
                organization=self.organization,
                report_month=data.validated_data["report_month"],
                scheduled_by=request.user,
            )
        else:
            meeting = services.schedule_next_meeting(organization=self.organization, scheduled_by=request.user)
        return Response(self.get_serializer(meeting).data, status=status.HTTP_201_CREATED)


class MeetingView(OrganizationScopedAPIMixin, generics.RetrieveAPIView):
    """One meeting; the CCO and admins move it, change its length or whom it invites."""

    queryset = Meeting.objects.prefetch_related("invited").select_related("organization")
    serializer_class = MeetingSerializer
    write_roles = MANAGERS
    lookup_url_kwarg = "meeting_id"

    @extend_schema(request=RescheduleSerializer, responses=MeetingSerializer)
    def patch(self, request, *args, **kwargs):
        """Change a meeting not yet begun: its invitation keeps its UID, raises its sequence and goes out again."""
        data = RescheduleSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        meeting = services.reschedule_meeting(meeting=self.get_object(), changed_by=request.user, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data)


class MeetingCancelView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """Cancel a meeting not yet begun: its leaders are sent the cancellation, with the invitation's UID."""

    queryset = Meeting.objects.select_related("organization")
    serializer_class = MeetingSerializer
    read_roles = MANAGERS
    write_roles = MANAGERS
    lookup_url_kwarg = "meeting_id"

    @extend_schema(request=None, responses=MeetingSerializer)
    def post(self, request, *args, **kwargs):
        meeting = services.cancel_meeting(meeting=self.get_object(), cancelled_by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data)


class MeetingCalendarView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """The meeting's invitation as an iCalendar file (a cancellation once cancelled), naming the caller."""

    queryset = Meeting.objects.select_related("organization")
    lookup_url_kwarg = "meeting_id"

    @extend_schema(responses={(200, "text/calendar"): OpenApiResponse(OpenApiTypes.STR, description="RFC 5545")})
    def get(self, request, *args, **kwargs):
        meeting = self.get_object()
        content = calendar.meeting_calendar(meeting, url=selectors.meeting_url(meeting), attendee=request.user)
        response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{calendar.file_name(meeting)}"'
        return audited_download(request, self.organization, response, "customer-room meeting invitation")


class MeetingObjectMixin(OrganizationScopedAPIMixin):
    def get_meeting(self) -> Meeting:
        return get_object_or_404(Meeting.objects.for_organization(self.organization), pk=self.kwargs["meeting_id"])


class CandidateListView(MeetingObjectMixin, generics.GenericAPIView):
    """The meeting's candidate actions; leaders propose their own."""

    serializer_class = CandidateSerializer
    write_roles = selectors.PROPOSERS
    # A meeting has a few candidates: answered whole.
    pagination_class = None

    @extend_schema(responses=CandidateSerializer(many=True))
    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(selectors.candidates(self.get_meeting()), many=True).data)

    @extend_schema(request=CandidateInputSerializer, responses={201: CandidateSerializer})
    def post(self, request, *args, **kwargs):
        data = CandidateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        candidate = decision.propose_candidate(
            meeting=self.get_meeting(), proposed_by=request.user, roles=self.roles, **data.validated_data
        )
        return Response(self.get_serializer(candidate).data, status=status.HTTP_201_CREATED)


class CandidateView(MeetingObjectMixin, generics.GenericAPIView):
    """One candidate; only the person who proposed it changes or withdraws it (403 for anyone else)."""

    serializer_class = CandidateSerializer
    write_roles = selectors.PROPOSERS

    def get_candidate(self) -> Candidate:
        return get_object_or_404(
            Candidate.objects.for_organization(self.organization).filter(meeting=self.get_meeting()),
            pk=self.kwargs["candidate_id"],
        )

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_candidate()).data)

    @extend_schema(request=CandidateInputSerializer, responses=CandidateSerializer)
    def patch(self, request, *args, **kwargs):
        data = CandidateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        candidate = decision.change_candidate(candidate=self.get_candidate(), user=request.user, **data.validated_data)
        return Response(self.get_serializer(candidate).data)

    @extend_schema(responses={204: None})
    def delete(self, request, *args, **kwargs):
        decision.withdraw_candidate(candidate=self.get_candidate(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProposeAgainView(MeetingObjectMixin, generics.GenericAPIView):
    """Propose again, as one's own, a candidate (`candidate_id`) that an earlier meeting did not choose."""

    serializer_class = CandidateSerializer
    read_roles = selectors.PROPOSERS
    write_roles = selectors.PROPOSERS

    @extend_schema(request=None, responses={201: CandidateSerializer})
    def post(self, request, *args, **kwargs):
        earlier = get_object_or_404(
            Candidate.objects.for_organization(self.organization), pk=self.kwargs["candidate_id"]
        )
        candidate = decision.propose_again(
            candidate=earlier, meeting=self.get_meeting(), proposed_by=request.user, roles=self.roles
        )
        return Response(self.get_serializer(candidate).data, status=status.HTTP_201_CREATED)


class RankingView(MeetingObjectMixin, generics.GenericAPIView):
    """Your own ranking of the meeting's candidates, and everyone's combined (a Borda count) once it has started."""

    serializer_class = RankingSerializer
    write_roles = selectors.PROPOSERS

    def _answer(self, meeting: Meeting) -> Response:
        combined = selectors.combined_ranking(meeting) if selectors.may_see_combined_ranking(meeting) else None
        mine = [candidate.pk for candidate in selectors.own_ranking(meeting, self.request.user)]
        return Response(self.get_serializer({"mine": mine, "combined": combined}).data)

    def get(self, request, *args, **kwargs):
        return self._answer(self.get_meeting())

    @extend_schema(request=RankingInputSerializer, responses=RankingSerializer)
    def put(self, request, *args, **kwargs):
        data = RankingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        meeting = self.get_meeting()
        decision.rank_candidates(
            meeting=meeting, user=request.user, roles=self.roles, candidate_ids=data.validated_data["candidates"]
        )
        return self._answer(meeting)


class StartView(MeetingObjectMixin, generics.GenericAPIView):
    """Start the meeting before its time: the combined ranking shows to all."""

    serializer_class = MeetingSerializer
    read_roles = MANAGERS
    write_roles = MANAGERS

    @extend_schema(request=None, responses=MeetingSerializer)
    def post(self, request, *args, **kwargs):
        meeting = decision.start_meeting(meeting=self.get_meeting(), started_by=request.user)
        return Response(self.get_serializer(meeting).data)


class DecisionView(MeetingObjectMixin, generics.GenericAPIView):
    """The room's decision: at most N candidates agreed, each with one owner and a due date, which become
    customer-room actions; the other candidates are marked not chosen. Once per meeting, once it has started."""

    serializer_class = CandidateSerializer
    read_roles = MANAGERS
    write_roles = MANAGERS

    @extend_schema(request=DecisionInputSerializer, responses={201: CandidateSerializer(many=True)})
    def post(self, request, *args, **kwargs):
        data = DecisionInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        meeting = self.get_meeting()
        decision.record_decision(meeting=meeting, decided_by=request.user, agreed=data.validated_data["agreed"])
        return Response(self.get_serializer(selectors.candidates(meeting), many=True).data, status=201)


class StoryListView(MeetingObjectMixin, generics.GenericAPIView):
    """The meeting's customer stories (agenda item 4); the CCO and admins pick a customer lost, reactivated or
    decreased in the report's month."""

    serializer_class = StorySerializer
    write_roles = MANAGERS
    # A meeting tells a few stories: answered whole.
    pagination_class = None

    @extend_schema(responses=StorySerializer(many=True))
    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(selectors.stories(self.get_meeting()), many=True).data)

    @extend_schema(request=StoryInputSerializer, responses={201: StorySerializer})
    def post(self, request, *args, **kwargs):
        data = StoryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        story = record.pick_story(meeting=self.get_meeting(), picked_by=request.user, **data.validated_data)
        return Response(self.get_serializer(story).data, status=status.HTTP_201_CREATED)


class StoryView(MeetingObjectMixin, generics.GenericAPIView):
    """One story: the CCO and admins write its note or remove it until the meeting is closed."""

    serializer_class = StorySerializer
    write_roles = MANAGERS

    def get_story(self) -> CustomerStory:
        return get_object_or_404(
            CustomerStory.objects.for_organization(self.organization).filter(meeting=self.get_meeting()),
            pk=self.kwargs["story_id"],
        )

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_story()).data)

    @extend_schema(request=StoryNoteSerializer, responses=StorySerializer)
    def patch(self, request, *args, **kwargs):
        data = StoryNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        story = record.write_story_note(story=self.get_story(), written_by=request.user, **data.validated_data)
        return Response(self.get_serializer(story).data)

    @extend_schema(responses={204: None})
    def delete(self, request, *args, **kwargs):
        record.remove_story(story=self.get_story(), removed_by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttendanceView(MeetingObjectMixin, generics.GenericAPIView):
    """Each invited leader and whether they attended; the CCO and admins record it once the meeting started."""

    serializer_class = AttendanceLineSerializer
    write_roles = MANAGERS
    pagination_class = None

    @extend_schema(responses=AttendanceLineSerializer(many=True))
    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(selectors.attendance(self.get_meeting()), many=True).data)

    @extend_schema(request=AttendanceInputSerializer, responses=AttendanceLineSerializer(many=True))
    def put(self, request, *args, **kwargs):
        data = AttendanceInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        meeting = self.get_meeting()
        record.record_attendance(meeting=meeting, recorded_by=request.user, present=data.validated_data["present"])
        return Response(self.get_serializer(selectors.attendance(meeting), many=True).data)


class CloseView(MeetingObjectMixin, generics.GenericAPIView):
    """Close the meeting: no more edits, and the minutes go to the invited leaders."""

    serializer_class = MeetingSerializer
    read_roles = MANAGERS
    write_roles = MANAGERS

    @extend_schema(request=None, responses=MeetingSerializer)
    def post(self, request, *args, **kwargs):
        meeting = record.close_meeting(meeting=self.get_meeting(), closed_by=request.user)
        return Response(self.get_serializer(meeting).data)


class CorrectionListView(MeetingObjectMixin, generics.GenericAPIView):
    """The corrections to a closed meeting's minutes, each a dated entry; the CCO and admins add them."""

    serializer_class = CorrectionSerializer
    write_roles = MANAGERS
    pagination_class = None

    @extend_schema(responses=CorrectionSerializer(many=True))
    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(selectors.corrections(self.get_meeting()), many=True).data)

    @extend_schema(request=CorrectionInputSerializer, responses={201: CorrectionSerializer})
    def post(self, request, *args, **kwargs):
        data = CorrectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        correction = record.correct_minutes(meeting=self.get_meeting(), written_by=request.user, **data.validated_data)
        return Response(self.get_serializer(correction).data, status=status.HTTP_201_CREATED)


class MinutesView(MeetingObjectMixin, generics.GenericAPIView):
    """The closed meeting's minutes as a PDF, corrections included; 404 while it is open."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF")})
    def get(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        if not meeting.is_closed:
            raise Http404("The minutes are published when the meeting is closed.")
        response = HttpResponse(minutes.minutes_pdf(meeting), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{minutes.file_name(meeting)}"'
        return audited_download(request, self.organization, response, "customer-room meeting minutes")
