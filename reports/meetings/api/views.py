"""The meetings API, under /api/v1/orgs/<slug>/reports/meetings/: the monthly series, the meetings, scheduling,
changing and cancelling one, and its calendar invitation. Every member reads; the CCO and admins write, through
reports.meetings.services."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from cco_portal.audit.services import audited_download
from cco_portal.organizations.roles import MANAGERS
from cco_portal.organizations.scoping import OrganizationScopedAPIMixin

from .. import calendar, selectors, services
from ..models import Meeting
from .serializers import (
    MeetingSerializer,
    RescheduleSerializer,
    ScheduleMeetingSerializer,
    SeriesInputSerializer,
    SeriesSerializer,
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
