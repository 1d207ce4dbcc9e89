"""The customer-asset bridge by quarter and by year in the API: the periods' figures, and the customers behind one
figure of a period. Everyone in the organization reads them, as the monthly movements; the figures come from
metrics.periods."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from cco_portal.organizations.scoping import OrganizationScopedAPIMixin

from .. import periods
from ..models import ALL_SEGMENTS
from .serializers import FIGURES, SEGMENT_HELP, AmountField, CustomerLineSerializer, FigureSerializer

LENGTH_HELP = "quarter (calendar quarters) or year (calendar years); the monthly bridge is at movements/."


class PeriodFilterSerializer(serializers.Serializer):
    length = serializers.ChoiceField(choices=[periods.QUARTER, periods.YEAR], help_text=LENGTH_HELP)
    segment = serializers.CharField(required=False, allow_blank=True, help_text=SEGMENT_HELP)


class StartSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Customers active at the end of the period before.")
    value = AmountField(help_text="Their value at the end of the period before.")


class PeriodMovementsSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="YYYY-Qn for a quarter (2024-Q1), YYYY for a year.")
    first_month = serializers.CharField(help_text="The period's first month, YYYY-MM.")
    last_month = serializers.CharField(help_text="The period's last month, YYYY-MM.")
    to_date = serializers.BooleanField(
        help_text="True while the period is still open: its values run to the last month with data."
    )
    start = StartSerializer()
    active = serializers.IntegerField(help_text="Customers active at the end of the period.")
    value = AmountField(
        help_text="Their value: each customer's revenue over the max(activity window, period length) months "
        "ending with the period's last month (or the last month with data while the period is open)."
    )
    new = FigureSerializer(help_text="Active in the period and in no earlier period.")
    reactivated = FigureSerializer(help_text="Active in the period, not in the period before, in an earlier one.")
    lost = FigureSerializer(help_text="The value change is minus what the customers were worth the period before.")
    increased = FigureSerializer()
    decreased = FigureSerializer()
    stable = FigureSerializer(help_text="Active in both periods with the same value; its value change is 0.00.")


class PeriodCustomersFilterSerializer(PeriodFilterSerializer):
    period = serializers.CharField(help_text="The period of the figure: 2024-Q1 for a quarter, 2024 for a year.")
    figure = serializers.ChoiceField(
        choices=FIGURES,
        help_text="A movement class, or active (the customers at the end of the period) or start (at its start).",
    )

    def validate(self, attrs):
        length = periods.LENGTHS[attrs["length"]]
        try:
            attrs["period"] = periods.parse_period_label(attrs["period"], length)
        except ValueError:
            example = "2024-Q1" if length == 3 else "2024"
            raise serializers.ValidationError(
                {"period": _("Enter the %(length)s as %(example)s.") % {"length": attrs["length"], "example": example}}
            ) from None
        return attrs


def _query(serializer_class, request) -> dict:
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


class PeriodMovementListView(OrganizationScopedAPIMixin, generics.GenericAPIView):
    """The customer-asset bridge quarter by quarter or year by year, with the monthly bridge's classes and
    identities: customers active at the start and end of each period and their value, and for each class the
    customers in it and the value change they bring. A period compares each customer's value at its end with
    the value at the end of the period before. Periods run from the one holding the first month with data to
    the one holding the last; a segment no customer is in gives an empty list."""

    serializer_class = PeriodMovementsSerializer
    pagination_class = None

    @extend_schema(parameters=[PeriodFilterSerializer], responses=PeriodMovementsSerializer(many=True))
    def get(self, request, *args, **kwargs):
        params = _query(PeriodFilterSerializer, request)
        table = periods.period_table(
            self.organization, periods.LENGTHS[params["length"]], segment=params.get("segment", ALL_SEGMENTS)
        )
        return Response(self.get_serializer(table, many=True).data)


class PeriodCustomersBehindView(OrganizationScopedAPIMixin, generics.ListAPIView):
    """The customers behind one figure of a quarter's or a year's bridge, by customer key, with their value in the
    period and the period before, and the latest reason recorded for them in the period. A period without data
    has no customers behind it."""

    serializer_class = CustomerLineSerializer

    def get_queryset(self):
        params = _query(PeriodCustomersFilterSerializer, self.request)
        length = periods.LENGTHS[params["length"]]
        if params["period"] not in periods.periods(self.organization, length):
            return []
        return periods.customers_behind_period(
            self.organization, length, params["period"], params["figure"], segment=params.get("segment", ALL_SEGMENTS)
        )

    @extend_schema(parameters=[PeriodCustomersFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
