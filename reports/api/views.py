"""The reports API: the computations of each month's report and their status, a month's report with its
figures, asking for a computation, the monthly schedule, and the customer-room actions.

Every member reads; the CCO and admins ask for computations, change the schedule and record actions.
Writes go through reports.services, reports.schedule and reports.actions; reads come from reports.selectors.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.response import Response

from cco_portal.organizations.roles import MANAGERS
from cco_portal.organizations.scoping import OrganizationScopedAPIMixin
from metrics.months import parse_month_label

from .. import actions, schedule, selectors, services
from ..models import CustomerRoomAction, Report
from .serializers import (
    ActionInputSerializer,
    ActionSerializer,
    RecordedActionSerializer,
    ReportFilterSerializer,
    ReportRequestSerializer,
    ReportRunSerializer,
    ReportSerializer,
    ScheduleSerializer,
)


class ReportRunListView(OrganizationScopedAPIMixin, generics.ListAPIView):
    """Every computation of the organization's reports, newest month and data version first: the month,
    the data version, the status (queued, running with its progress, done, or failed with its error)."""

    queryset = Report.objects.defer("figures")
    serializer_class = ReportRunSerializer
    write_roles = MANAGERS

    def get_queryset(self):
        params = ReportFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        queryset = super().get_queryset().order_by("-month", "-data_version")
        if "month" in params.validated_data:
            queryset = queryset.filter(month=params.validated_data["month"])
        return queryset

    @extend_schema(parameters=[ReportFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=ReportRequestSerializer,
        responses={202: OpenApiResponse(ReportRunSerializer, description="Queued; follow `url` for its status.")},
    )
    def post(self, request, *args, **kwargs):
        """Compute a month's report from the current data, in the background. A report already computed
        from this data is answered as it is (status done); a failed one is tried again."""
        data = ReportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.request_report(organization=self.organization, month=data.validated_data["month"])
        # Read it again: in-process, it has been computed by now.
        report = Report.objects.for_organization(self.organization).filter(pk=report.pk).first() or report
        body = ReportRunSerializer(report, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class ReportRunView(OrganizationScopedAPIMixin, generics.RetrieveAPIView):
    """One computation and its status."""

    queryset = Report.objects.defer("figures")
    serializer_class = ReportRunSerializer
    lookup_url_kwarg = "report_id"


class ReportView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """A month's report, computed from the newest data: its figures (reports/figures.py documents them), the
    customer room's record as it stood when the report was computed, and the customer-room actions it shows,
    with their status now. 404 until one is done."""

    serializer_class = ReportSerializer

    def get(self, request, *args, **kwargs):
        try:
            month = parse_month_label(kwargs["month"])
        except ValueError as error:
            raise Http404("No such month.") from error
        report = selectors.latest_report(self.organization, month)
        if report is None:
            raise Http404("No report of this month is done yet.")
        context = {
            **self.get_serializer_context(),
            "actions": selectors.actions_for_report(self.organization, month),
            "newer_data_version": selectors.newer_data_version(self.organization, report),
            "accountability": selectors.report_accountability(report),
        }
        return Response(ReportSerializer(report, context=context).data)


class ScheduleView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """The day of the month and the hour at which the month before's report is computed, and whether the
    monthly run is on. Every member reads it; the CCO and admins change it."""

    serializer_class = ScheduleSerializer
    write_roles = MANAGERS

    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(selectors.schedule_of(self.organization)).data)

    def put(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        changed = schedule.set_report_schedule(
            organization=self.organization, updated_by=request.user, **data.validated_data
        )
        return Response(self.get_serializer(changed).data)


class ActionViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The actions leadership agreed in the customer room: title, owner, due date and status, newest
    meeting first. Every member reads them; the CCO and admins record and change them."""

    queryset = CustomerRoomAction.objects.select_related("owner", "milestone")
    serializer_class = ActionSerializer
    write_roles = MANAGERS
    lookup_url_kwarg = "action_id"
    lookup_value_regex = "[0-9]+"

    @extend_schema(request=ActionInputSerializer, responses={201: RecordedActionSerializer})
    def create(self, request, *args, **kwargs):
        data = ActionInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        action = actions.record_action(organization=self.organization, created_by=request.user, **data.validated_data)
        recorded = RecordedActionSerializer(action, context=self.get_serializer_context())
        return Response(recorded.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActionInputSerializer, responses=ActionSerializer)
    def update(self, request, *args, **kwargs):
        data = ActionInputSerializer(
            data=request.data, partial=kwargs.get("partial", False), context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        action = actions.update_action(action=self.get_object(), **data.validated_data)
        return Response(self.get_serializer(action).data)

    @extend_schema(request=ActionInputSerializer, responses=ActionSerializer)
    def partial_update(self, request, *args, **kwargs):
        # Declared for the schema only: without it, the PATCH body is read from ActionSerializer, whose
        # fields are all read-only, and the schema declares no body at all.
        return super().partial_update(request, *args, **kwargs)


class ActionMilestoneView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """Turn an action into a roadmap milestone of competency 5 (its title, owner and due date), once."""

    queryset = CustomerRoomAction.objects.all()
    serializer_class = ActionSerializer
    read_roles = MANAGERS
    write_roles = MANAGERS
    lookup_url_kwarg = "action_id"

    @extend_schema(request=None, responses={201: ActionSerializer, 400: OpenApiResponse(description="Already one.")})
    def post(self, request, *args, **kwargs):
        actions.make_action_milestone(action=self.get_object(), created_by=request.user)
        action = self.get_queryset().select_related("owner", "milestone").get(pk=kwargs["action_id"])
        return Response(self.get_serializer(action).data, status=status.HTTP_201_CREATED)
