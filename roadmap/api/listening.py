"""The listening path in the API: every stage with the sources that hear customers there and the gaps; the CCO's
and admins' sources and attached data sources; each source's reports, recorded by its owner or the managers.
Writes go through roadmap.listening.services; refusals reach the API's one exception handler."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from cco_portal.dates import ApiDateField
from cco_portal.organizations.api.fields import MemberField
from cco_portal.organizations.roles import ANY_MEMBER, MANAGERS
from cco_portal.organizations.scoping import OrganizationScopedAPIMixin

from ..listening import selectors, services
from ..listening.models import LONGEST_CADENCE, ListeningSource, SourceKind, SourceReport, StageFeed
from .serializers import StageField

REFUSED = OpenApiResponse(description="Refused, with the reason.")


class HeardSerializer(serializers.Serializer):
    """A source as the path shows it: one of the organization's own (`source` its id), or a customer-asset data
    source attached to stages (`feed_key`)."""

    source = serializers.IntegerField(source="source.pk", allow_null=True, default=None)
    feed_key = serializers.CharField(source="feed.key", allow_null=True, default=None)
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=SourceKind.choices)
    owner = serializers.IntegerField(source="owner.pk", allow_null=True, default=None)
    owner_name = serializers.CharField(source="owner.display_name", allow_null=True, default=None)
    cadence_days = serializers.IntegerField(allow_null=True, help_text="Null for a data source pulled on demand.")
    last_reported_on = serializers.DateField(allow_null=True, read_only=True)
    silent = serializers.BooleanField(help_text="More days than its cadence have passed since it last reported.")


class StageListeningSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="stage.pk")
    name = serializers.CharField(source="stage.name")
    position = serializers.IntegerField(source="stage.position")
    sources = HeardSerializer(source="heard", many=True)


class GapSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="unheard: a stage nobody listens to; silent: a source gone silent.")
    stage = serializers.IntegerField(source="stage.pk", allow_null=True, default=None)
    source = HeardSerializer(source="heard", allow_null=True, default=None)
    title = serializers.CharField()
    next_step = serializers.CharField()


class ListeningPathSerializer(serializers.Serializer):
    today = serializers.DateField(read_only=True, help_text="The day the silences are counted to.")
    stages = StageListeningSerializer(many=True)
    gaps = GapSerializer(many=True)


class SourceSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.display_name", allow_null=True, default=None)
    last_reported_on = serializers.DateField(allow_null=True, read_only=True)

    class Meta:
        model = ListeningSource
        fields = [
            "id",
            "name",
            "kind",
            "stages",
            "owner",
            "owner_name",
            "cadence_days",
            "description",
            "last_reported_on",
            "created_at",
        ]
        read_only_fields = fields


class SourceInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    kind = serializers.ChoiceField(choices=SourceKind.choices)
    stages = StageField(many=True, required=False, help_text="Ids of the map's stages.")
    owner = MemberField(allow_null=True, required=False, help_text="The member who records its reports.")
    cadence_days = serializers.IntegerField(
        min_value=1, max_value=LONGEST_CADENCE, help_text="Days between reports: 7 weekly, 31 monthly, 92 quarterly."
    )
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class SourceReportSerializer(serializers.ModelSerializer):
    # A URL, or empty when none was given: not described as a URI, which an empty string is not.
    link = serializers.CharField(help_text="Where to read the report; empty when none was given.")
    recorded_by_name = serializers.CharField(source="recorded_by.display_name", allow_null=True, default=None)

    class Meta:
        model = SourceReport
        fields = ["id", "reported_on", "note", "link", "recorded_by", "recorded_by_name", "recorded_at"]
        read_only_fields = fields


class SourceReportInputSerializer(serializers.Serializer):
    reported_on = ApiDateField(help_text="The day the source reported; today or earlier.")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    link = serializers.URLField(max_length=500, required=False, allow_blank=True)


class FeedSerializer(serializers.ModelSerializer):
    class Meta:
        model = StageFeed
        fields = ["id", "stage", "feed_key", "attached_at"]
        read_only_fields = fields


class FeedInputSerializer(serializers.Serializer):
    stage = StageField(help_text="The id of a stage of this organization's map.")
    feed_key = serializers.CharField(
        max_length=60, help_text="data-source-<id>: one of this organization's customer-asset data sources."
    )


class ListeningPathView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """Every stage of the map in order with the sources that hear customers there, and the gaps: stages nobody
    listens to, then sources silent past their cadence, each with what to do next."""

    serializer_class = ListeningPathSerializer

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(selectors.listening_path(self.organization)).data)


class SourceListView(OrganizationScopedAPIMixin, generics.ListAPIView):
    """The organization's own sources by name; POST adds one (CCO and admins)."""

    serializer_class = SourceSerializer
    write_roles = MANAGERS

    def get_queryset(self):
        return selectors.sources(self.organization)

    @extend_schema(request=SourceInputSerializer, responses={201: SourceSerializer, 400: REFUSED})
    def post(self, request, *args, **kwargs):
        data = SourceInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        source = services.add_source(organization=self.organization, added_by=request.user, **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=source.pk)).data, status.HTTP_201_CREATED)


class SourceMixin(OrganizationScopedAPIMixin):
    def source(self) -> ListeningSource:
        return get_object_or_404(selectors.sources(self.organization), pk=self.kwargs["listening_source_id"])


class SourceDetailView(SourceMixin, generics.GenericAPIView):
    """One source; PATCH changes it, DELETE removes it with its reports (CCO and admins)."""

    serializer_class = SourceSerializer
    write_roles = MANAGERS

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.source()).data)

    @extend_schema(request=SourceInputSerializer, responses={200: SourceSerializer, 400: REFUSED})
    def patch(self, request, *args, **kwargs):
        source = self.source()
        data = SourceInputSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        services.update_source(source=source, changed_by=request.user, **data.validated_data)
        return Response(self.get_serializer(self.source()).data)

    @extend_schema(responses={204: None})
    def delete(self, request, *args, **kwargs):
        services.remove_source(source=self.source(), removed_by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SourceReportListView(SourceMixin, generics.ListAPIView):
    """Every report of the source, latest first; POST records one (its owner, or the CCO and admins)."""

    serializer_class = SourceReportSerializer
    write_roles = ANY_MEMBER  # the service lets the source's owner and the managers through

    def get_queryset(self):
        return selectors.reports(self.source())

    @extend_schema(request=SourceReportInputSerializer, responses={201: SourceReportSerializer, 400: REFUSED})
    def post(self, request, *args, **kwargs):
        data = SourceReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.record_report(
            source=self.source(), recorded_by=request.user, roles=self.roles, **data.validated_data
        )
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)


class FeedListView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """Attach a customer-asset data source to a stage, as one of its behavioural sources (CCO and admins)."""

    serializer_class = FeedSerializer
    read_roles = MANAGERS
    write_roles = MANAGERS

    @extend_schema(request=FeedInputSerializer, responses={201: FeedSerializer, 400: REFUSED})
    def post(self, request, *args, **kwargs):
        data = FeedInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        attached = services.attach_feed(organization=self.organization, attached_by=request.user, **data.validated_data)
        return Response(self.get_serializer(attached).data, status=status.HTTP_201_CREATED)


class FeedDetailView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """Detach a data source from a stage (CCO and admins)."""

    serializer_class = FeedSerializer
    read_roles = MANAGERS
    write_roles = MANAGERS

    @extend_schema(responses={204: None})
    def delete(self, request, *args, **kwargs):
        stage_feed = get_object_or_404(
            StageFeed.objects.for_organization(self.organization), pk=self.kwargs["stage_feed_id"]
        )
        services.detach_feed(stage_feed=stage_feed, detached_by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
