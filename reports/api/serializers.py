"""The shapes of the reports API: computations of a month's report and their status, a report with its
figures (the snapshot documented in reports/figures.py), the monthly schedule, and customer-room actions.
Months are YYYY-MM; amounts inside the figures are exact decimal strings."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from cco_portal.dates import ApiDateField
from cco_portal.organizations.api.fields import MemberField
from metrics.api.serializers import MonthField
from roadmap.api.serializers import StageField, TouchpointField

from .. import actions
from ..models import ActionStatus, CustomerRoomAction, Report, ReportSchedule

_BRIDGE = {"type": "object", "nullable": True, "description": "start, end and classes: {count, value}"}
FIGURES_SCHEMA = {
    "type": "object",
    "description": "The report's snapshot; its full shape is documented in reports/figures.py.",
    "properties": {
        "organization": {"type": "string"},
        "month": {"type": "string", "example": "2024-03"},
        "data_version": {"type": "integer"},
        "data_computed_at": {"type": "string", "format": "date-time", "nullable": True},
        "bridge": _BRIDGE,
        "year_ago": _BRIDGE,
        "to_date": {
            "type": "object",
            "description": "The bridge of the quarter and of the year holding the month, through it: BRIDGE with "
            "period (YYYY-Qn or YYYY), first_month and through (YYYY-MM); absent from reports made before it.",
            "properties": {
                "quarter": {**_BRIDGE, "description": "The quarter so far; null without data."},
                "year": {**_BRIDGE, "description": "The year so far; null without data."},
            },
        },
        "trend": {"type": "array", "items": {"type": "object"}, "description": "24 months of movements"},
        "segments": {"type": "array", "items": {"type": "object"}},
        "lost_by_reason": {"type": "array", "items": {"type": "object"}},
        "roadmap": {"type": "array", "items": {"type": "object"}},
        "readiness": {"type": "object", "nullable": True},
        "commitment": {"type": "object", "nullable": True},
        "accountability": {
            "type": "object",
            "description": "The customer room's record when the report was computed; absent from older reports.",
        },
    },
}


ACCOUNTABILITY_SCHEMA = {
    "type": "object",
    "properties": {
        "as_of": {"type": "string", "format": "date"},
        "due": {"type": "integer"},
        "on_time": {"type": "integer"},
        "on_time_percent": {"type": "integer", "nullable": True},
        "overdue_by_owner": {
            "type": "array",
            "items": {"type": "object", "properties": {"owner": {"type": "string"}, "overdue": {"type": "integer"}}},
        },
        "meetings_due": {"type": "integer", "description": "Customer-room meetings whose day had come."},
        "meetings_on_schedule": {"type": "integer", "description": "Of them, held and closed in their month."},
        "attendance_by_leader": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "leader": {"type": "string"},
                    "present": {"type": "integer"},
                    "invited": {"type": "integer", "description": "Meetings held that the leader was invited to."},
                },
            },
        },
        "read_live": {
            "type": "boolean",
            "description": (
                "True for a report computed before reports kept this record: it is read now, as of `as_of`, "
                "rather than as it stood when the report was computed."
            ),
        },
    },
}


@extend_schema_field(FIGURES_SCHEMA)
class FiguresField(serializers.JSONField):
    pass


class ReportRunSerializer(serializers.ModelSerializer):
    """One computation of a month's report: from which data version, and how far it has come."""

    url = serializers.SerializerMethodField(help_text="This computation, to follow its status.")
    month = MonthField(read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "url",
            "month",
            "data_version",
            "status",
            "progress",
            "error",
            "attempts",
            "requested_at",
            "started_at",
            "computed_at",
            "data_computed_at",
        ]
        read_only_fields = fields

    def get_url(self, report: Report) -> str:
        organization = self.context.get("organization") or report.organization
        return reverse(
            "api-report-run",
            kwargs={"org_slug": organization.slug, "report_id": report.pk},
            request=self.context.get("request"),
        )


class ActionSerializer(serializers.ModelSerializer):
    month = MonthField(read_only=True, help_text="The month of the meeting it was agreed in.")
    owner_name = serializers.CharField(source="owner.display_name", allow_null=True, read_only=True)
    milestone_status = serializers.CharField(source="milestone.status", allow_null=True, read_only=True)
    is_overdue = serializers.BooleanField(
        read_only=True,
        help_text="Open, and its due date has passed; for one that became a milestone: the milestone is overdue.",
    )
    current_status = serializers.ChoiceField(
        choices=ActionStatus.choices,
        read_only=True,
        help_text="The status to show: `status`, or, while it follows its milestone, done once that is done.",
    )

    class Meta:
        model = CustomerRoomAction
        fields = [
            "id",
            "month",
            "title",
            "owner",
            "owner_name",
            "due_date",
            "status",
            "current_status",
            "is_overdue",
            "milestone",
            "milestone_status",
            "journey_stage",
            "touchpoint",
            "closed_at",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RecordedActionSerializer(ActionSerializer):
    warnings = serializers.SerializerMethodField(
        help_text="What is allowed but rarely meant, such as a due date that has already passed."
    )

    class Meta(ActionSerializer.Meta):
        fields = [*ActionSerializer.Meta.fields, "warnings"]
        read_only_fields = fields

    def get_warnings(self, action: CustomerRoomAction) -> list[str]:
        return actions.recording_warnings(action)


class ReportSerializer(ReportRunSerializer):
    """A month's report from the newest data: the snapshot, and the customer-room actions as they are now."""

    figures = FiguresField(read_only=True)
    actions = serializers.SerializerMethodField()
    newer_data_version = serializers.SerializerMethodField(
        help_text=(
            "The version of newer customer data that changes this month, or null: the report is recomputed "
            "by itself once the data stops changing."
        )
    )

    accountability = serializers.SerializerMethodField(
        help_text=(
            "As of the month's last day (or the day the report was computed, if earlier), as it stood when the "
            "report was computed: the actions agreed up to the month that were due before it, those done by their "
            "due date, and the overdue ones per owner; the customer-room meetings held on schedule, and each "
            "leader's attendance."
        )
    )

    class Meta(ReportRunSerializer.Meta):
        fields = [*ReportRunSerializer.Meta.fields, "figures", "actions", "newer_data_version", "accountability"]
        read_only_fields = fields

    @extend_schema_field(ActionSerializer(many=True))
    def get_actions(self, report: Report) -> list:
        return ActionSerializer(self.context["actions"], many=True, context=self.context).data

    def get_newer_data_version(self, report: Report) -> int | None:
        return self.context["newer_data_version"]

    @extend_schema_field(ACCOUNTABILITY_SCHEMA)
    def get_accountability(self, report: Report) -> dict:
        record = self.context["accountability"]
        return {**record.as_dict(), "read_live": record.read_live}


class ReportRequestSerializer(serializers.Serializer):
    month = MonthField(help_text="The month to compute, YYYY-MM.")


class ScheduleSerializer(serializers.ModelSerializer):
    """When the month before's report is computed each month (portal time zone)."""

    class Meta:
        model = ReportSchedule
        fields = ["day_of_month", "hour", "enabled", "updated_at"]
        read_only_fields = ["updated_at"]
        # A PUT replaces the whole schedule, so every field is needed; before one is saved there is no updated_at.
        extra_kwargs = {
            "day_of_month": {"min_value": 1, "max_value": 28, "required": True},
            "hour": {"min_value": 0, "max_value": 23, "required": True},
            "enabled": {"required": True},
            "updated_at": {"allow_null": True},
        }


class ActionInputSerializer(serializers.Serializer):
    """What records or changes a customer-room action; on PATCH, any of the fields."""

    month = MonthField(help_text="The month of the meeting it was agreed in.")
    title = serializers.CharField(max_length=200)
    owner = MemberField(allow_null=True, required=False, help_text="A member's user id; null for nobody.")
    due_date = ApiDateField(allow_null=True, required=False)
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)
    journey_stage = StageField(
        allow_null=True, required=False, help_text="The id of the journey map's stage it acts on; null for none."
    )
    touchpoint = TouchpointField(
        allow_null=True, required=False, help_text="The id of the journey map's touchpoint it acts on; null for none."
    )


class ReportFilterSerializer(serializers.Serializer):
    month = MonthField(required=False, help_text="Only this month's computations.")
