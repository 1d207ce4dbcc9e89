"""The roadmap API: competencies with their roll-up, maturity stages, operational areas, milestones, their
history, and the starter roadmap.

Everyone in the organization reads; the CCO and admins write, except that the owner of a milestone
updates its progress. Writes go through roadmap.services, reads come from roadmap.selectors.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cco_portal.organizations.roles import ANY_MEMBER, MANAGERS
from cco_portal.organizations.scoping import OrganizationScopedAPIMixin

from .. import selectors, services
from ..journey import services as journey_services
from ..models import MaturityAssessment, Milestone, OperationalArea
from ..selectors import MilestoneFilter
from .serializers import (
    ChangeSerializer,
    CompetencyRollupSerializer,
    MaturityAssessmentInputSerializer,
    MaturityAssessmentSerializer,
    MilestoneFilterSerializer,
    MilestoneInputSerializer,
    MilestoneSerializer,
    OperationalAreaInputSerializer,
    OperationalAreaSerializer,
    StarterRoadmapInputSerializer,
)


class CompetencyListView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """The five competencies with the organization's progress in each: milestones by status, overdue and
    due soon, the current maturity stage, and the stage the portal's record suggests with its evidence."""

    serializer_class = CompetencyRollupSerializer
    pagination_class = None

    @extend_schema(responses=CompetencyRollupSerializer(many=True))
    def get(self, request, *args, **kwargs):
        rollups = selectors.competency_rollup(self.organization)
        evidence = {r.competency.number: selectors.maturity_evidence(self.organization, r.competency) for r in rollups}
        context = {**self.get_serializer_context(), "evidence": evidence}
        return Response(CompetencyRollupSerializer(rollups, many=True, context=context).data)


class MaturityAssessmentViewSet(OrganizationScopedAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every dated maturity stage the CCO has set, newest first; the latest per competency stands."""

    queryset = MaturityAssessment.objects.select_related("competency", "assessed_by")
    serializer_class = MaturityAssessmentSerializer
    write_roles = MANAGERS

    def get_queryset(self):
        assessments = super().get_queryset()
        if self.action == "list" and (number := self.request.query_params.get("competency", "")).isdigit():
            assessments = assessments.filter(competency__number=number)
        return assessments

    @extend_schema(parameters=[OpenApiParameter("competency", int, description="Only this competency's stages.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=MaturityAssessmentInputSerializer, responses={201: MaturityAssessmentSerializer})
    def create(self, request, *args, **kwargs):
        """Set a competency's maturity stage, with the note that explains it."""
        data = MaturityAssessmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assessment = services.set_maturity_stage(
            organization=self.organization, assessed_by=request.user, **data.validated_data
        )
        return Response(self.get_serializer(assessment).data, status=status.HTTP_201_CREATED)


class OperationalAreaViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The parts of the organization that milestones involve. Removing one leaves its milestones."""

    queryset = OperationalArea.objects.select_related("leader")
    serializer_class = OperationalAreaSerializer
    write_roles = MANAGERS
    pagination_class = None
    lookup_url_kwarg = "area_id"
    lookup_value_regex = "[0-9]+"

    @extend_schema(request=OperationalAreaInputSerializer, responses={201: OperationalAreaSerializer})
    @transaction.atomic
    def create(self, request, *args, **kwargs):
        """Add an area, with its leader if one is named."""
        data = OperationalAreaInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        area = services.add_operational_area(organization=self.organization, name=data.validated_data["name"])
        if data.validated_data.get("leader") is not None:
            area = journey_services.set_area_leader(
                area=area, leader=data.validated_data["leader"], changed_by=request.user
            )
        return Response(self.get_serializer(area).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OperationalAreaInputSerializer, responses=OperationalAreaSerializer)
    @transaction.atomic
    def partial_update(self, request, *args, **kwargs):
        """Rename the area, name its leader (a new version of the journey map), or both."""
        area = self.get_object()
        data = OperationalAreaInputSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        if "name" in data.validated_data:
            area = services.rename_operational_area(
                area=area, name=data.validated_data["name"], changed_by=request.user
            )
        if "leader" in data.validated_data:
            area = journey_services.set_area_leader(
                area=area, leader=data.validated_data["leader"], changed_by=request.user
            )
        return Response(self.get_serializer(area).data)

    def perform_destroy(self, area):
        services.remove_operational_area(area=area, changed_by=self.request.user)


class MilestoneViewSet(
    OrganizationScopedAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The organization's milestones. The CCO and admins create, change and delete them; the owner of a
    milestone who is neither updates its status, percent complete, notes and blocked reason."""

    queryset = Milestone.objects.all()  # the model, for the schema; get_queryset reads through the selector
    serializer_class = MilestoneSerializer
    write_roles = MANAGERS
    lookup_url_kwarg = "milestone_id"
    lookup_value_regex = "[0-9]+"

    def get_required_roles(self):
        # Any member may own a milestone; whether this member owns this one is checked with the milestone.
        if self.request.method == "PATCH":
            return ANY_MEMBER
        return super().get_required_roles()

    def get_queryset(self):
        filters = MilestoneFilter()
        if self.action == "list":
            params = MilestoneFilterSerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            filters = MilestoneFilter(**params.validated_data)
        return selectors.milestones(self.organization, filters)

    def refreshed(self, milestone: Milestone) -> dict:
        return self.get_serializer(selectors.milestones(self.organization).get(pk=milestone.pk)).data

    @extend_schema(parameters=[MilestoneFilterSerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=MilestoneInputSerializer, responses={201: MilestoneSerializer})
    def create(self, request, *args, **kwargs):
        """Add a milestone; its owner is emailed once it is saved."""
        data = MilestoneInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        milestone = services.create_milestone(
            organization=self.organization, created_by=request.user, **data.validated_data
        )
        return Response(self.refreshed(milestone), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=MilestoneInputSerializer,
        responses={200: MilestoneSerializer, 400: OpenApiResponse(description="Refused, with the reason.")},
    )
    def partial_update(self, request, *args, **kwargs):
        """Change some fields of a milestone; a new owner is emailed once it is saved."""
        milestone = self.get_object()
        if not selectors.can_change_milestone(milestone, request.user, self.roles):
            raise PermissionDenied(_("Only the CCO, an admin or the milestone's owner may change it."))
        data = MilestoneInputSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        services.update_milestone(
            milestone=milestone,
            changed_by=request.user,
            may_edit_all=selectors.can_change_every_field(self.roles),
            **data.validated_data,
        )
        return Response(self.refreshed(milestone))

    def destroy(self, request, *args, **kwargs):
        services.delete_milestone(milestone=self.get_object(), deleted_by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=ChangeSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, *args, **kwargs):
        """Who changed what and when, newest first."""
        return Response(ChangeSerializer(selectors.milestone_history(self.get_object()), many=True).data)


class StarterRoadmapView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """Add the starter milestones of each competency, a first draft for the CCO to edit. Milestones
    already there are left alone, so applying it again adds only what is missing."""

    serializer_class = MilestoneSerializer
    write_roles = MANAGERS
    pagination_class = None  # the answer is the milestones just added, all of them

    @extend_schema(
        request=StarterRoadmapInputSerializer,
        responses={
            201: MilestoneSerializer(many=True),
            200: OpenApiResponse(MilestoneSerializer(many=True), description="Nothing was missing: an empty list."),
        },
    )
    def post(self, request, *args, **kwargs):
        data = StarterRoadmapInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.apply_starter_roadmap(
            organization=self.organization, created_by=request.user, start=data.validated_data.get("start")
        )
        milestones = selectors.milestones(self.organization).filter(pk__in=[m.pk for m in created])
        return Response(
            self.get_serializer(milestones, many=True).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
