"""The metrics API: customer-data imports, the customer-asset movements month by month, the customers
behind each figure, lost customers by reason, and the activity window.

Everyone in the organization reads the movements; the CCO and admins import data and change the window.
Writes go through metrics.services and metrics.computation, reads come from metrics.selectors.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from cco_portal.organizations.roles import MANAGERS
from cco_portal.organizations.scoping import OrganizationScopedAPIMixin

from .. import selectors, services
from ..computation import change_activity_window
from ..models import ALL_SEGMENTS, ActivityImport
from ..uploads import TakesCustomerFiles
from .serializers import (
    ActivityImportSerializer,
    CustomerLineSerializer,
    CustomersBehindFilterSerializer,
    ImportInputSerializer,
    LostReasonCountSerializer,
    LostReasonFilterSerializer,
    MetricsSettingsSerializer,
    MonthMovementsSerializer,
    MovementFilterSerializer,
    ReasonInputSerializer,
)


def _query(serializer_class, request) -> dict:
    """The validated query parameters; a 400 naming each bad parameter otherwise."""
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


class ImportViewSet(
    TakesCustomerFiles,
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The customer-data files brought in, newest first, with their progress and, when rejected, why."""

    queryset = ActivityImport.objects.select_related("created_by")
    serializer_class = ActivityImportSerializer
    read_roles = MANAGERS
    write_roles = MANAGERS
    lookup_url_kwarg = "import_id"
    lookup_value_regex = "[0-9]+"
    # The one body that carries a file; every other body of the API is JSON.
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": ImportInputSerializer},
        responses={
            202: OpenApiResponse(ActivityImportSerializer, description="Queued; poll `url` until it is finished."),
            400: OpenApiResponse(description="No file, or refused, with the reason (e.g. a file already appended)."),
            413: OpenApiResponse(description="Larger than the largest file an import takes; nothing was read."),
        },
    )
    def create(self, request, *args, **kwargs):
        """Upload a CSV file of customer activity or lost-customer reasons. It is imported in the
        background, all or nothing; the answer is the queued import, and its `url` (also in the Location
        header) shows the progress, then the result or the problems of each rejected row."""
        data = ImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        activity_import = services.start_import(
            organization=self.organization,
            uploaded_file=data.validated_data["file"],
            kind=data.validated_data["kind"],
            mode=data.validated_data["mode"],
            created_by=request.user,
        )
        # Read it again: in-process, the import has already run by now.
        body = self.get_serializer(self.get_queryset().get(pk=activity_import.pk)).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class MovementListView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """The customer-asset bridge month by month: customers active at the end of each month and their
    value, and for each movement class the customers in it and the value change they bring.

    Months run from the organization's first to its last month with data (narrowed by `from` and
    `to`), the same months whatever the segment. A segment that no customer is in gives an empty list."""

    serializer_class = MonthMovementsSerializer
    pagination_class = None

    @extend_schema(parameters=[MovementFilterSerializer], responses=MonthMovementsSerializer(many=True))
    def get(self, request, *args, **kwargs):
        params = _query(MovementFilterSerializer, request)
        table = selectors.movement_table(
            self.organization,
            segment=params.get("segment", ALL_SEGMENTS),
            first=params.get("from"),
            last=params.get("to"),
        )
        return Response(self.get_serializer(table, many=True).data)


class CustomersBehindView(OrganizationScopedAPIMixin, generics.ListAPIView):
    """The customers behind one figure of a month's bridge, by customer key, with their value in the
    month and the month before. A month without data has no customers behind it."""

    serializer_class = CustomerLineSerializer

    def get_queryset(self):
        params = _query(CustomersBehindFilterSerializer, self.request)
        if params["month"] not in selectors.months(self.organization):
            return []
        return selectors.customers_behind(
            self.organization, params["month"], params["figure"], segment=params.get("segment", ALL_SEGMENTS)
        )

    @extend_schema(parameters=[CustomersBehindFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class LostByReasonView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """The customers lost in a month counted by the reason recorded for them, "unknown" where none was
    given; most frequent first."""

    serializer_class = LostReasonCountSerializer
    pagination_class = None

    @extend_schema(parameters=[LostReasonFilterSerializer], responses=LostReasonCountSerializer(many=True))
    def get(self, request, *args, **kwargs):
        params = _query(LostReasonFilterSerializer, request)
        reasons = selectors.lost_by_reason(
            self.organization, params["month"], segment=params.get("segment", ALL_SEGMENTS)
        )
        return Response(self.get_serializer(reasons, many=True).data)


class MetricsSettingsView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """The activity window: how many months of revenue make a customer active. Every member reads it;
    the CCO and admins change it, which recomputes the movements in the background (`is_current` is
    false until that is done)."""

    serializer_class = MetricsSettingsSerializer
    write_roles = MANAGERS

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(selectors.metrics_settings(self.organization)).data)

    @extend_schema(request=MetricsSettingsSerializer, responses=MetricsSettingsSerializer)
    def patch(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        change_activity_window(
            organization=self.organization,
            months=data.validated_data["activity_window"],
            changed_by=request.user,
        )
        return Response(self.get_serializer(selectors.metrics_settings(self.organization)).data)


class ReasonView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """Write why one customer moved in one month, as a reasons import would for one row; the CCO and admins."""

    serializer_class = ReasonInputSerializer
    read_roles = MANAGERS
    write_roles = MANAGERS

    @extend_schema(request=ReasonInputSerializer, responses=ReasonInputSerializer)
    def put(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.record_reason(
            organization=self.organization,
            customer=data.validated_data["customer_id"],
            month=data.validated_data["month"],
            reason=data.validated_data["reason"],
            recorded_by=request.user,
        )
        return Response(data.data)
