"""The shapes of the meetings API: the monthly series, a meeting, scheduling one and changing one, its candidate
actions, rankings and decision. Times are
ISO 8601 with their offset; report months are YYYY-MM."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from cco_portal.dates import ApiDateField
from cco_portal.organizations.api.fields import MemberField
from metrics.api.serializers import MonthField
from metrics.selectors import to_amount

from ..models import (
    MAX_DURATION,
    MIN_DURATION,
    Candidate,
    CustomerStory,
    Meeting,
    MeetingSeries,
    MinutesCorrection,
    StoryMovement,
    Weekday,
    WeekOfMonth,
)
from ..selectors import LEADER_ROLES


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2})?$", "example": "09:00"})
class ClockTimeField(serializers.TimeField):
    """A time of day on the wall clock of the series' time zone, HH:MM; no offset (the time zone says it)."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", input_formats=["%H:%M", "%H:%M:%S"], **kwargs)


class LeaderSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)
    email = serializers.EmailField(read_only=True)


class SeriesSerializer(serializers.ModelSerializer):
    """When the customer room meets each month: a day of the month, or the nth weekday (week 5 is the last)."""

    invited = LeaderSerializer(many=True, read_only=True)
    start_time = ClockTimeField(read_only=True)

    class Meta:
        model = MeetingSeries
        fields = [
            "day_of_month",
            "week_of_month",
            "weekday",
            "start_time",
            "time_zone",
            "duration_minutes",
            "invited",
            "updated_at",
        ]
        read_only_fields = fields


class LeaderField(MemberField):
    """A user id of a leader of the organization (cco, executive, leadership or admin)."""

    def get_queryset(self):
        return super().get_queryset().filter(memberships__role__in=LEADER_ROLES)


class SeriesInputSerializer(serializers.Serializer):
    """Either `day_of_month`, or `week_of_month` with `weekday` (0 is Monday)."""

    day_of_month = serializers.IntegerField(min_value=1, max_value=28, required=False, allow_null=True)
    week_of_month = serializers.ChoiceField(choices=WeekOfMonth.choices, required=False, allow_null=True)
    weekday = serializers.ChoiceField(choices=Weekday.choices, required=False, allow_null=True)
    start_time = ClockTimeField()
    time_zone = serializers.CharField(max_length=64, help_text="An IANA time zone, such as Europe/Paris.")
    duration_minutes = serializers.IntegerField(min_value=MIN_DURATION, max_value=MAX_DURATION)
    invited = LeaderField(many=True, help_text="User ids of the invited leaders.")


class MeetingSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    calendar_url = serializers.SerializerMethodField(help_text="The invitation as an .ics file.")
    minutes_url = serializers.SerializerMethodField()
    report_month = MonthField(read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    invited = LeaderSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "url",
            "report_month",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "time_zone",
            "status",
            "invited",
            "calendar_uid",
            "calendar_sequence",
            "calendar_url",
            "cancelled_at",
            "started_at",
            "decided_at",
            "closed_at",
            "minutes_url",
        ]
        read_only_fields = fields

    def _reverse(self, name: str, meeting: Meeting) -> str:
        kwargs = {"org_slug": meeting.organization.slug, "meeting_id": meeting.pk}
        return reverse(name, kwargs=kwargs, request=self.context.get("request"))

    def get_url(self, meeting: Meeting) -> str:
        return self._reverse("api-meeting-detail", meeting)

    def get_calendar_url(self, meeting: Meeting) -> str:
        return self._reverse("api-meeting-calendar", meeting)

    @extend_schema_field(serializers.URLField(allow_null=True, help_text="The minutes as a PDF, once closed."))
    def get_minutes_url(self, meeting: Meeting) -> str | None:
        return self._reverse("api-meeting-minutes", meeting) if meeting.is_closed else None


class ScheduleMeetingSerializer(serializers.Serializer):
    report_month = MonthField(
        required=False,
        help_text="The month whose report the meeting discusses; the next one not scheduled if left out.",
    )


class RescheduleSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField(help_text="With its offset, e.g. 2025-03-11T09:00:00+01:00.")
    duration_minutes = serializers.IntegerField(min_value=MIN_DURATION, max_value=MAX_DURATION)
    invited = LeaderField(many=True, required=False, help_text="User ids; the invited stay as they are if left out.")


class CandidateSerializer(serializers.ModelSerializer):
    proposed_by = LeaderSerializer(read_only=True, allow_null=True)
    carried_from = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The candidate of an earlier meeting, not chosen there, that this one proposes again.",
    )
    action = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The customer-room action it became."
    )

    class Meta:
        model = Candidate
        fields = ["id", "title", "description", "proposed_by", "status", "carried_from", "action", "created_at"]
        read_only_fields = fields


class CandidateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RankedCandidateSerializer(serializers.Serializer):
    candidate = serializers.IntegerField(source="candidate.pk")
    title = serializers.CharField(source="candidate.title")
    points = serializers.IntegerField(help_text="Borda points: a first choice earns as many as there are candidates.")
    rankers = serializers.IntegerField(help_text="How many leaders ranked it.")


class RankingSerializer(serializers.Serializer):
    mine = serializers.ListField(child=serializers.IntegerField(), help_text="Your own ranking, best first.")
    combined = RankedCandidateSerializer(
        many=True, allow_null=True, help_text="Everyone's, once the meeting has started; null before."
    )


class RankingInputSerializer(serializers.Serializer):
    candidates = serializers.ListField(
        child=serializers.IntegerField(), allow_empty=True, help_text="Candidate ids, best first; the rest unranked."
    )


class CandidateField(serializers.PrimaryKeyRelatedField):
    """A candidate id of the organization in the serializer's context."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Candidate.objects.all(), **kwargs)

    def get_queryset(self):
        return Candidate.objects.for_organization(self.context["organization"])


class DecisionChoiceSerializer(serializers.Serializer):
    candidate = CandidateField()
    owner = MemberField()
    due_date = ApiDateField()


class DecisionInputSerializer(serializers.Serializer):
    agreed = DecisionChoiceSerializer(many=True, help_text="At most the organization's customer_room_max_actions.")


class StorySerializer(serializers.ModelSerializer):
    picked_by = LeaderSerializer(read_only=True, allow_null=True)
    history = serializers.SerializerMethodField(
        help_text="The customer's value month by month up to the report's month, as it stood when picked."
    )

    class Meta:
        model = CustomerStory
        fields = ["id", "customer", "segment", "movement", "reason", "note", "history", "picked_by", "created_at"]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"month": {"type": "string", "example": "2024-03"}, "value": {"type": "string"}},
            },
        }
    )
    def get_history(self, story: CustomerStory) -> list[dict]:
        return [{"month": month, "value": str(to_amount(value))} for month, value in story.history]


class StoryInputSerializer(serializers.Serializer):
    customer = serializers.CharField(
        max_length=200,
        help_text=(
            "A customer lost, reactivated or decreased that month: its key as the customers behind a figure "
            "(api-movement-customers) give it."
        ),
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    month = MonthField(
        required=False,
        help_text="The month of the list the customer was picked from, YYYY-MM: refused unless the meeting's.",
    )
    # The story's own word for the figure of the list (the drill-down's `figure`), as its answer names it.
    movement = serializers.ChoiceField(
        source="figure",
        choices=StoryMovement.choices,
        required=False,
        help_text="The figure of that list: refused when the customer no longer moved so that month.",
    )


class StoryNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, allow_blank=True)


class AttendanceLineSerializer(serializers.Serializer):
    person = LeaderSerializer()
    present = serializers.BooleanField(allow_null=True, help_text="Null until the CCO records it.")


class AttendanceInputSerializer(serializers.Serializer):
    present = LeaderField(many=True, help_text="User ids of the invited leaders present; the others are absent.")


class CorrectionSerializer(serializers.ModelSerializer):
    written_by = LeaderSerializer(read_only=True, allow_null=True)

    class Meta:
        model = MinutesCorrection
        fields = ["id", "text", "written_by", "written_at"]
        read_only_fields = fields


class CorrectionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
