"""The data sources in the API: register, read, change and remove a source, pull it now, read its pulls,
and the column mapping of uploads. cco and admin only, as imports are. The password is write-only: an answer
shows the address with "••••" in its place and `has_password`. Writes go through metrics.sources.services."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cco_portal.organizations.roles import MANAGERS
from cco_portal.organizations.scoping import OrganizationScopedAPIMixin

from ..models import ImportKind, ImportMode
from ..sources import selectors, services
from ..sources.models import DataSource, DataSourcePull, SourceKind

# serializers


class DataSourceSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="display_url", help_text="The address, its password shown as ••••.")
    has_password = serializers.BooleanField(help_text="Whether a password is stored (encrypted; never shown).")

    class Meta:
        model = DataSource
        fields = [
            "id",
            "name",
            "kind",
            "target",
            "mode",
            "url",
            "has_password",
            "query",
            "column_map",
            "schedule",
            "enabled",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class DataSourceInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=SourceKind.choices, help_text="Set when the source is added; fixed then.")
    target = serializers.ChoiceField(choices=ImportKind.choices, help_text="The kind of import each pull is.")
    mode = serializers.ChoiceField(choices=ImportMode.choices, default=ImportMode.REPLACE)
    url = serializers.CharField(
        max_length=1000,
        help_text="postgres://…, mysql://… or an https:// CSV address; a password in it is stored encrypted.",
    )
    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text='Stored encrypted, never answered. Left out: the stored one stays; "": removed.',
    )
    query = serializers.CharField(required=False, allow_blank=True, default="")
    column_map = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text='{"source column": "import column"}; an empty import column leaves the column out.',
    )
    schedule = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="A crontab (minute hour day month weekday)."
    )
    enabled = serializers.BooleanField(required=False, default=True)


class DataSourcePullSerializer(serializers.ModelSerializer):
    activity_import = serializers.IntegerField(
        source="activity_import_id", allow_null=True, help_text="The import the pull made, when it got that far."
    )

    class Meta:
        model = DataSourcePull
        fields = ["id", "trigger", "attempt", "status", "started_at", "finished_at", "rows", "activity_import", "error"]
        read_only_fields = fields


class ColumnMappingSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    mapping = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text='{"file header": "import column"}, e.g. {"Invoice date": "period"}; "" leaves a column out.',
    )


# views


class DataSourceViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The organization's data sources, by name."""

    queryset = DataSource.objects.all()
    serializer_class = DataSourceSerializer
    read_roles = MANAGERS
    write_roles = MANAGERS
    lookup_url_kwarg = "source_id"
    lookup_value_regex = "[0-9]+"

    @extend_schema(request=DataSourceInputSerializer, responses={201: DataSourceSerializer})
    def create(self, request, *args, **kwargs):
        """Register a source; with a schedule, beat pulls it."""
        data = DataSourceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        source = services.create_data_source(
            organization=self.organization, created_by=request.user, **data.validated_data
        )
        return Response(self.get_serializer(source).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DataSourceInputSerializer, responses=DataSourceSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change a source; its kind stays. Leave `password` out to keep the stored one."""
        source = self.get_object()
        data = DataSourceInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        changes.pop("kind", None)
        source = services.update_data_source(source=source, changed_by=request.user, **changes)
        return Response(self.get_serializer(source).data)

    def perform_destroy(self, instance):
        services.delete_data_source(source=instance, deleted_by=self.request.user)

    @extend_schema(
        request=None,
        responses={202: OpenApiResponse(description="Queued; its pull appears in `pulls` as it runs.")},
    )
    @action(detail=True, methods=["post"])
    def pull(self, request, *args, **kwargs):
        """Pull the source now, in the background, with the retries of a scheduled pull."""
        services.queue_pull(source=self.get_object(), pulled_by=request.user)
        return Response(status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=DataSourcePullSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=DataSourcePullSerializer)
    def pulls(self, request, *args, **kwargs):
        """The source's pulls, newest first: when, how they ended, the rows and import, or why not."""
        source = get_object_or_404(DataSource.objects.for_organization(self.organization), pk=kwargs["source_id"])
        page = self.paginate_queryset(selectors.pulls(source))
        return self.get_paginated_response(DataSourcePullSerializer(page, many=True).data)


class ColumnMappingView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """How the organization's own upload headers map onto the import's columns: {kind: {header: column}}."""

    serializer_class = ColumnMappingSerializer
    read_roles = MANAGERS
    write_roles = MANAGERS

    @extend_schema(responses={200: {"type": "object", "additionalProperties": {"type": "object"}}})
    def get(self, request, *args, **kwargs):
        return Response(selectors.column_mappings(self.organization))

    @extend_schema(request=ColumnMappingSerializer, responses=ColumnMappingSerializer)
    def put(self, request, *args, **kwargs):
        """Replace the mapping of one kind of upload."""
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        mapping = services.set_column_mapping(
            organization=self.organization, changed_by=request.user, **data.validated_data
        )
        return Response({"kind": data.validated_data["kind"], "mapping": mapping})
