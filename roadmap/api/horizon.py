"""The five-year horizon in the API: where the organization stands on the path and each competency's goals for
years two to five; PUT sets one goal (CCO and admins). Writes go through roadmap.horizon.services."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response

from cco_portal.organizations.roles import MANAGERS
from cco_portal.organizations.scoping import OrganizationScopedAPIMixin

from ..horizon import selectors, services
from ..models import Stage
from .serializers import CompetencyField


class YearlyGoalSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    goal = serializers.CharField()
    target_stage = serializers.IntegerField(allow_null=True)


class CompetencyHorizonSerializer(serializers.Serializer):
    competency = serializers.IntegerField(source="rollup.competency.number")
    title = serializers.CharField(source="rollup.competency.title")
    milestones_done = serializers.IntegerField(source="rollup.done", help_text="Of the first year's milestones.")
    milestones_total = serializers.IntegerField(source="rollup.total")
    stage = serializers.IntegerField(source="rollup.stage", allow_null=True, help_text="The stage reached.")
    goals = serializers.SerializerMethodField()

    @extend_schema_field(YearlyGoalSerializer(many=True))
    def get_goals(self, item) -> list[dict]:
        return YearlyGoalSerializer(sorted(item.goals.values(), key=lambda goal: goal.year), many=True).data


class PathYearSerializer(serializers.Serializer):
    year = serializers.IntegerField(source="number")
    first_day = serializers.DateField(read_only=True)
    last_day = serializers.DateField(read_only=True)
    is_current = serializers.BooleanField(help_text="Whether the organization is in this year of the path today.")


class HorizonSerializer(serializers.Serializer):
    start = serializers.DateField(read_only=True, help_text="The day the path began: the earliest milestone's date.")
    year = serializers.IntegerField(help_text="The year of the path today, 1 to 5.")
    years = serializers.SerializerMethodField(
        help_text="The five years of the path and their dates, as the timeline zoomed out to years shows them."
    )
    competencies = CompetencyHorizonSerializer(many=True)

    @extend_schema_field(PathYearSerializer(many=True))
    def get_years(self, path) -> list[dict]:
        return PathYearSerializer(selectors.path_years(path), many=True).data


class YearlyGoalInputSerializer(serializers.Serializer):
    competency = CompetencyField()
    year = serializers.IntegerField(min_value=2, max_value=5)
    goal = serializers.CharField(max_length=1000, allow_blank=True, help_text="Empty clears the year.")
    target_stage = serializers.ChoiceField(choices=Stage.choices, allow_null=True, required=False)


class HorizonView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """The five-year path: its start, the year it is in, and per competency the first year's milestones, the stage
    reached and the goals of years two to five."""

    serializer_class = HorizonSerializer
    write_roles = MANAGERS

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(selectors.horizon(self.organization)).data)

    @extend_schema(
        request=YearlyGoalInputSerializer,
        responses={200: HorizonSerializer, 400: OpenApiResponse(description="Refused, with the reason.")},
    )
    def put(self, request, *args, **kwargs):
        data = YearlyGoalInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_yearly_goal(organization=self.organization, set_by=request.user, **data.validated_data)
        return Response(self.get_serializer(selectors.horizon(self.organization)).data)
