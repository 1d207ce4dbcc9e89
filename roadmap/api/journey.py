"""The journey map in the API: the map as it stands with its version, the CCO's and admins' changes to its
stages and touchpoints, and every version as it was. Every write answers with the map and its new version.
Writes go through roadmap.journey.services; refusals reach the API's one exception handler."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from cco_portal.organizations.roles import ANY_MEMBER, MANAGERS
from cco_portal.organizations.scoping import OrganizationScopedAPIMixin

from ..journey import selectors, services
from ..journey.models import JourneyStage, JourneyVersion, Priority, PriorityStance, Stance, Touchpoint
from .serializers import AreaField, StageField, TouchpointField

REFUSED = OpenApiResponse(description="Refused, with the reason.")


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ChosenPrioritySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    experience = serializers.CharField()


class TouchpointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    position = serializers.IntegerField()
    area = NamedSerializer(allow_null=True, help_text="The operational area that owns it.")
    leader = PersonSerializer(allow_null=True, help_text="The leader of that area.")
    priorities = ChosenPrioritySerializer(many=True, help_text="The priority experiences chosen there.")


class StageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    position = serializers.IntegerField()
    touchpoints = TouchpointSerializer(many=True)


class AreaLeaderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    leader = PersonSerializer(allow_null=True)


class SnapshotSerializer(serializers.Serializer):
    stages = StageSerializer(many=True)
    areas = AreaLeaderSerializer(many=True)


class JourneyMapSerializer(SnapshotSerializer):
    """The map as it stands, with the number of the version it is (null before the first change)."""

    version = serializers.IntegerField(allow_null=True)


class VersionSerializer(serializers.ModelSerializer):
    changed_by_name = serializers.CharField(source="changed_by.display_name", allow_null=True, default=None)

    class Meta:
        model = JourneyVersion
        fields = ["number", "change", "changed_by", "changed_by_name", "created_at"]
        read_only_fields = fields


class VersionDetailSerializer(VersionSerializer):
    snapshot = SnapshotSerializer(help_text="The map as it was.")

    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "snapshot"]
        read_only_fields = fields


class StageInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    position = serializers.IntegerField(min_value=1, max_value=100, required=False, help_text="1 is the first.")


class TouchpointInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    stage = StageField(help_text="The id of a stage of this organization's map.")
    area = AreaField(allow_null=True, required=False, help_text="The id of the operational area that owns it.")
    position = serializers.IntegerField(
        min_value=1, max_value=100, required=False, help_text="Its place in its stage; 1 is the first."
    )


def map_answer(organization, status_code=status.HTTP_200_OK) -> Response:
    version = selectors.current_version(organization)
    body = {**selectors.map_snapshot(organization), "version": version.number if version else None}
    return Response(JourneyMapSerializer(body).data, status=status_code)


class JourneyMapView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """The journey map as it stands: stages in order, their touchpoints, the owning areas and their leaders."""

    serializer_class = JourneyMapSerializer
    read_roles = ANY_MEMBER
    write_roles = MANAGERS

    @extend_schema(responses=JourneyMapSerializer)
    def get(self, request, *args, **kwargs):
        return map_answer(self.organization)


class JourneyStartView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """Begin an empty map with the six example stages; refused once the map has stages."""

    serializer_class = JourneyMapSerializer
    read_roles = MANAGERS
    write_roles = MANAGERS

    @extend_schema(request=None, responses={201: JourneyMapSerializer, 400: REFUSED})
    def post(self, request, *args, **kwargs):
        services.start_with_example_stages(organization=self.organization, changed_by=request.user)
        return map_answer(self.organization, status.HTTP_201_CREATED)


class StageListView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """Add a stage at a place, or after the last."""

    serializer_class = JourneyMapSerializer
    read_roles = MANAGERS
    write_roles = MANAGERS

    @extend_schema(request=StageInputSerializer, responses={201: JourneyMapSerializer, 400: REFUSED})
    def post(self, request, *args, **kwargs):
        data = StageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.add_stage(organization=self.organization, changed_by=request.user, **data.validated_data)
        return map_answer(self.organization, status.HTTP_201_CREATED)


class StageDetailView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """Rename or move a stage; remove it with its touchpoints."""

    serializer_class = JourneyMapSerializer
    read_roles = MANAGERS
    write_roles = MANAGERS

    def stage(self) -> JourneyStage:
        return get_object_or_404(JourneyStage.objects.for_organization(self.organization), pk=self.kwargs["stage_id"])

    @extend_schema(request=StageInputSerializer, responses={200: JourneyMapSerializer, 400: REFUSED})
    def patch(self, request, *args, **kwargs):
        stage = self.stage()
        data = StageInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.update_stage(stage=stage, changed_by=request.user, **data.validated_data)
        return map_answer(self.organization)

    @extend_schema(responses={204: None})
    def delete(self, request, *args, **kwargs):
        services.remove_stage(stage=self.stage(), changed_by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TouchpointListView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """Add a touchpoint to a stage, owned by an operational area."""

    serializer_class = JourneyMapSerializer
    read_roles = MANAGERS
    write_roles = MANAGERS

    @extend_schema(request=TouchpointInputSerializer, responses={201: JourneyMapSerializer, 400: REFUSED})
    def post(self, request, *args, **kwargs):
        data = TouchpointInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        services.add_touchpoint(organization=self.organization, changed_by=request.user, **data.validated_data)
        return map_answer(self.organization, status.HTTP_201_CREATED)


class TouchpointDetailView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """Rename, re-own or move a touchpoint (to another stage too); remove it."""

    serializer_class = JourneyMapSerializer
    read_roles = MANAGERS
    write_roles = MANAGERS

    def touchpoint(self) -> Touchpoint:
        touchpoints = Touchpoint.objects.for_organization(self.organization)
        return get_object_or_404(touchpoints, pk=self.kwargs["touchpoint_id"])

    @extend_schema(request=TouchpointInputSerializer, responses={200: JourneyMapSerializer, 400: REFUSED})
    def patch(self, request, *args, **kwargs):
        touchpoint = self.touchpoint()
        data = TouchpointInputSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        services.update_touchpoint(touchpoint=touchpoint, changed_by=request.user, **data.validated_data)
        return map_answer(self.organization)

    @extend_schema(responses={204: None})
    def delete(self, request, *args, **kwargs):
        services.remove_touchpoint(touchpoint=self.touchpoint(), changed_by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VersionListView(OrganizationScopedAPIMixin, generics.ListAPIView):
    """Every version of the map, newest first: what changed, by whom, when."""

    serializer_class = VersionSerializer

    def get_queryset(self):
        return selectors.versions(self.organization)


class VersionDetailView(OrganizationScopedAPIMixin, generics.RetrieveAPIView):
    """One version of the map, as it was."""

    serializer_class = VersionDetailSerializer

    def get_object(self):
        return get_object_or_404(selectors.versions(self.organization), number=self.kwargs["map_version"])


# priorities


class StanceSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id")
    user_name = serializers.CharField(source="user.display_name")

    class Meta:
        model = PriorityStance
        fields = ["user", "user_name", "stance", "comment", "stated_at"]
        read_only_fields = fields


class PrioritySerializer(serializers.ModelSerializer):
    touchpoint_name = serializers.CharField(source="touchpoint.name")
    stage = serializers.IntegerField(source="touchpoint.stage_id")
    stage_name = serializers.CharField(source="touchpoint.stage.name")
    stances = StanceSerializer(many=True, read_only=True)

    class Meta:
        model = Priority
        fields = [
            "id",
            "touchpoint",
            "touchpoint_name",
            "stage",
            "stage_name",
            "experience",
            "status",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "stances",
        ]
        read_only_fields = fields


class PriorityInputSerializer(serializers.Serializer):
    touchpoint = TouchpointField(help_text="The id of a touchpoint of this organization's map.")
    experience = serializers.CharField(max_length=300, help_text="What the customer should experience there.")


class StanceInputSerializer(serializers.Serializer):
    stance = serializers.ChoiceField(choices=Stance.choices)
    comment = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="", help_text="Required to dissent."
    )


class PriorityDecisionInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[("chosen", "Chosen"), ("set_aside", "Set aside")])
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PriorityListView(OrganizationScopedAPIMixin, generics.ListAPIView):
    """Every priority, newest first, with each leader's stance; POST puts a new one on the table (leaders)."""

    serializer_class = PrioritySerializer
    write_roles = selectors.LEADERS

    def get_queryset(self):
        return selectors.priorities(self.organization)

    @extend_schema(request=PriorityInputSerializer, responses={201: PrioritySerializer, 400: REFUSED})
    def post(self, request, *args, **kwargs):
        data = PriorityInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        priority = services.propose_priority(
            organization=self.organization, proposed_by=request.user, roles=self.roles, **data.validated_data
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=priority.pk)).data, status=status.HTTP_201_CREATED
        )


class PriorityMixin(OrganizationScopedAPIMixin):
    serializer_class = PrioritySerializer

    def priority(self) -> Priority:
        return get_object_or_404(selectors.priorities(self.organization), pk=self.kwargs["priority_id"])

    def answer(self) -> Response:
        return Response(self.get_serializer(self.priority()).data)


class PriorityDetailView(PriorityMixin, generics.GenericAPIView):
    """One priority with every leader's stance."""

    @extend_schema(responses=PrioritySerializer)
    def get(self, request, *args, **kwargs):
        return self.answer()


class PriorityStanceView(PriorityMixin, generics.GenericAPIView):
    """Your own stance on a priority in discussion; you may change it until it is decided."""

    read_roles = selectors.LEADERS
    write_roles = selectors.LEADERS

    @extend_schema(request=StanceInputSerializer, responses={200: PrioritySerializer, 400: REFUSED})
    def put(self, request, *args, **kwargs):
        data = StanceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_stance(
            organization=self.organization,
            priority=self.priority(),
            user=request.user,
            roles=self.roles,
            **data.validated_data,
        )
        return self.answer()


class PriorityDecisionView(PriorityMixin, generics.GenericAPIView):
    """Record a priority in discussion as chosen (it shows on the map) or set aside: a new version of the map."""

    read_roles = MANAGERS
    write_roles = MANAGERS

    @extend_schema(request=PriorityDecisionInputSerializer, responses={200: PrioritySerializer, 400: REFUSED})
    def post(self, request, *args, **kwargs):
        data = PriorityDecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.decide_priority(
            organization=self.organization,
            priority=self.priority(),
            decided_by=request.user,
            chosen=data.validated_data["outcome"] == "chosen",
            note=data.validated_data["note"],
        )
        return self.answer()
