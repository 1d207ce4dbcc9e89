"""The reliability log and the moments of truth in the API. Everyone reads; the CCO and admins file issues and
choose moments; the leader of an issue's area keeps it current (the service decides, per issue, and refuses
anyone else with 403). Writes go through roadmap.reliability.services; refusals reach the API's one exception
handler."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from cco_portal.dates import ApiDateField
from cco_portal.organizations.roles import ANY_MEMBER, MANAGERS
from cco_portal.organizations.scoping import OrganizationScopedAPIMixin

from ..models import Milestone
from ..reliability import selectors, services
from ..reliability.models import IssueEvent, IssueOccurrences, IssueStatus, MomentOfTruth, ReliabilityIssue
from .serializers import AreaField, MilestoneField, TouchpointField

REFUSED = OpenApiResponse(description="Refused, with the reason.")
FILTERS = [
    OpenApiParameter("touchpoint", OpenApiTypes.INT, description="Only the issues at this touchpoint."),
    OpenApiParameter("area", OpenApiTypes.INT, description="Only the issues this operational area owns."),
    OpenApiParameter("status", OpenApiTypes.STR, enum=IssueStatus.values, description="Only issues at this status."),
]


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2024-03"})
class MonthOfDateField(serializers.DateField):
    """A stored first-of-month date, written YYYY-MM as the rest of the API writes months."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


class OccurrencesSerializer(serializers.ModelSerializer):
    month = MonthOfDateField(read_only=True, help_text="The month counted, YYYY-MM.")

    class Meta:
        model = IssueOccurrences
        fields = ["month", "count", "recorded_by", "recorded_at"]
        read_only_fields = fields


class IssueEventSerializer(serializers.ModelSerializer):
    # Blank where the entry changed no status (a note, a recurrence) or, for from_status, when it was reported.
    from_status = serializers.ChoiceField(choices=IssueStatus.choices, allow_blank=True, read_only=True)
    to_status = serializers.ChoiceField(choices=IssueStatus.choices, allow_blank=True, read_only=True)
    by_name = serializers.CharField(source="by.display_name", allow_null=True, default=None)

    class Meta:
        model = IssueEvent
        fields = ["kind", "from_status", "to_status", "note", "by", "by_name", "at"]
        read_only_fields = fields


class IssueSerializer(serializers.ModelSerializer):
    touchpoint_name = serializers.CharField(source="touchpoint.name", allow_null=True, default=None)
    area_name = serializers.CharField(source="area.name", allow_null=True, default=None)
    occurrences = OccurrencesSerializer(many=True, read_only=True, help_text="Its frequency, month by month.")

    class Meta:
        model = ReliabilityIssue
        fields = [
            "id",
            "title",
            "touchpoint",
            "touchpoint_name",
            "area",
            "area_name",
            "customers_touched",
            "customer_share",
            "root_cause",
            "status",
            "recurrences",
            "occurrences",
            "reported_by",
            "reported_at",
        ]
        read_only_fields = fields


class IssueDetailSerializer(IssueSerializer):
    history = serializers.SerializerMethodField(help_text="Every entry of its history, oldest first.")

    class Meta(IssueSerializer.Meta):
        fields = [*IssueSerializer.Meta.fields, "history"]
        read_only_fields = fields

    @extend_schema_field(IssueEventSerializer(many=True))
    def get_history(self, issue) -> list[dict]:
        return IssueEventSerializer(selectors.history(issue), many=True).data


class IssueInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    touchpoint = TouchpointField(
        allow_null=True, required=False, help_text="The id of the touchpoint of this organization's map."
    )
    area = AreaField(
        allow_null=True, required=False, help_text="The id of the owning area; without it, the touchpoint's area."
    )
    customers_touched = serializers.IntegerField(min_value=0, max_value=10**9, required=False)
    customer_share = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, allow_null=True, required=False
    )
    root_cause = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class StatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=IssueStatus.choices)
    note = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="", help_text="Required to resolve."
    )


class OccurrencesInputSerializer(serializers.Serializer):
    month = ApiDateField(input_formats=["%Y-%m", "iso-8601"], help_text="The month counted: YYYY-MM or a day of it.")
    count = serializers.IntegerField(min_value=0, max_value=10**9)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RecurrenceInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, help_text="How it came back: when, where, who saw it.")


def _filters(request) -> selectors.IssueFilters:
    """The list's filters; a value that is not a number or a status filters nothing."""

    def number(name: str) -> int | None:
        value = request.query_params.get(name, "")
        return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None

    wanted = request.query_params.get("status")
    return selectors.IssueFilters(
        touchpoint=number("touchpoint"),
        area=number("area"),
        status=wanted if wanted in IssueStatus.values else None,
    )


class IssueListView(OrganizationScopedAPIMixin, generics.ListAPIView):
    """The reliability log, newest first, filtered by touchpoint, area and status; POST files an issue (the CCO
    and admins)."""

    serializer_class = IssueSerializer
    write_roles = MANAGERS

    def get_queryset(self):
        return selectors.issues(self.organization, _filters(self.request))

    @extend_schema(parameters=FILTERS)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=IssueInputSerializer, responses={201: IssueDetailSerializer, 400: REFUSED})
    def post(self, request, *args, **kwargs):
        data = IssueInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        issue = services.report_issue(organization=self.organization, reported_by=request.user, **data.validated_data)
        return Response(
            IssueDetailSerializer(selectors.issues(self.organization).get(pk=issue.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class IssueMixin(OrganizationScopedAPIMixin):
    serializer_class = IssueDetailSerializer
    # Who may write is decided per issue by the service: the CCO, admins and the leader of its area.
    write_roles = ANY_MEMBER

    def issue(self) -> ReliabilityIssue:
        return get_object_or_404(selectors.issues(self.organization), pk=self.kwargs["issue_id"])

    def answer(self) -> Response:
        return Response(IssueDetailSerializer(self.issue()).data)


class IssueDetailView(IssueMixin, generics.GenericAPIView):
    """One issue with its months and its whole history; PATCH changes its details (the leader of its area:
    customers touched, their share and the root cause)."""

    @extend_schema(responses=IssueDetailSerializer)
    def get(self, request, *args, **kwargs):
        return self.answer()

    @extend_schema(request=IssueInputSerializer, responses={200: IssueDetailSerializer, 400: REFUSED})
    def patch(self, request, *args, **kwargs):
        issue = self.issue()
        data = IssueInputSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        services.update_issue(issue=issue, changed_by=request.user, roles=self.roles, **data.validated_data)
        return self.answer()


class IssueStatusView(IssueMixin, generics.GenericAPIView):
    """Move an issue on: open, investigating, fixing, resolved (with what fixed it). A resolved issue comes back
    only by recurring."""

    @extend_schema(request=StatusInputSerializer, responses={200: IssueDetailSerializer, 400: REFUSED})
    def post(self, request, *args, **kwargs):
        data = StatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.change_status(issue=self.issue(), changed_by=request.user, roles=self.roles, **data.validated_data)
        return self.answer()


class IssueOccurrencesView(IssueMixin, generics.GenericAPIView):
    """Count a month's occurrences (counting again replaces them); new ones after the issue was resolved reopen
    it as a recurrence."""

    @extend_schema(request=OccurrencesInputSerializer, responses={200: IssueDetailSerializer, 400: REFUSED})
    def post(self, request, *args, **kwargs):
        data = OccurrencesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.record_occurrences(
            issue=self.issue(), recorded_by=request.user, roles=self.roles, **data.validated_data
        )
        return self.answer()


class IssueRecurrenceView(IssueMixin, generics.GenericAPIView):
    """The resolved issue came back: reopen it with its history and count the recurrence."""

    @extend_schema(request=RecurrenceInputSerializer, responses={200: IssueDetailSerializer, 400: REFUSED})
    def post(self, request, *args, **kwargs):
        data = RecurrenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.record_recurrence(
            issue=self.issue(), recorded_by=request.user, roles=self.roles, **data.validated_data
        )
        return self.answer()


# moments of truth


class LinkedMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "status", "due_date", "percent_complete"]
        read_only_fields = fields


class MomentSerializer(serializers.ModelSerializer):
    touchpoint_name = serializers.CharField(source="touchpoint.name")
    stage_name = serializers.CharField(source="touchpoint.stage.name")
    milestones = LinkedMilestoneSerializer(
        source="touchpoint.linked_milestones", many=True, help_text="The milestones that point at its touchpoint."
    )

    class Meta:
        model = MomentOfTruth
        fields = [
            "id",
            "touchpoint",
            "touchpoint_name",
            "stage_name",
            "intended_experience",
            "milestones",
            "chosen_by",
            "chosen_at",
        ]
        read_only_fields = fields


class MomentInputSerializer(serializers.Serializer):
    touchpoint = TouchpointField(help_text="The id of a touchpoint of this organization's map.")
    intended_experience = serializers.CharField(max_length=2000)


class MomentChangeSerializer(serializers.Serializer):
    intended_experience = serializers.CharField(max_length=2000)


class LinkMilestoneInputSerializer(serializers.Serializer):
    milestone = MilestoneField(help_text="The id of a milestone of this organization: it will point at the moment.")


class MomentListView(OrganizationScopedAPIMixin, generics.ListAPIView):
    """The moments of truth in the map's order, each with the milestones that improve it; POST chooses one (the
    CCO and admins)."""

    serializer_class = MomentSerializer
    write_roles = MANAGERS

    def get_queryset(self):
        return selectors.moments(self.organization)

    @extend_schema(request=MomentInputSerializer, responses={201: MomentSerializer, 400: REFUSED})
    def post(self, request, *args, **kwargs):
        data = MomentInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        moment = services.choose_moment(organization=self.organization, chosen_by=request.user, **data.validated_data)
        return Response(MomentSerializer(self.get_queryset().get(pk=moment.pk)).data, status=status.HTTP_201_CREATED)


class MomentMixin(OrganizationScopedAPIMixin):
    serializer_class = MomentSerializer
    write_roles = MANAGERS

    def moment(self) -> MomentOfTruth:
        return get_object_or_404(selectors.moments(self.organization), pk=self.kwargs["moment_id"])

    def answer(self) -> Response:
        return Response(MomentSerializer(self.moment()).data)


class MomentDetailView(MomentMixin, generics.GenericAPIView):
    """One moment of truth; PATCH changes its intended experience, DELETE makes it an ordinary touchpoint again
    (its milestones keep pointing at the touchpoint)."""

    @extend_schema(responses=MomentSerializer)
    def get(self, request, *args, **kwargs):
        return self.answer()

    @extend_schema(request=MomentChangeSerializer, responses={200: MomentSerializer, 400: REFUSED})
    def patch(self, request, *args, **kwargs):
        moment = self.moment()
        data = MomentChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.update_moment(moment=moment, changed_by=request.user, **data.validated_data)
        return self.answer()

    @extend_schema(responses={204: None})
    def delete(self, request, *args, **kwargs):
        services.remove_moment(moment=self.moment(), removed_by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MomentLinkView(MomentMixin, generics.GenericAPIView):
    """Link a milestone to the moment as its improvement work: the milestone then points at its touchpoint."""

    @extend_schema(request=LinkMilestoneInputSerializer, responses={200: MomentSerializer, 400: REFUSED})
    def post(self, request, *args, **kwargs):
        moment = self.moment()
        data = LinkMilestoneInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        services.link_milestone(moment=moment, changed_by=request.user, **data.validated_data)
        return self.answer()
