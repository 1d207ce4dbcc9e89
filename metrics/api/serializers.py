"""The shapes of the metrics API: imports, the customer-asset movements month by month, the customers behind
a figure, lost customers by reason, and the metrics settings.

Amounts are exact decimal strings ("20.50", "-0.0001"), never floats; months are YYYY-MM. Figures come
from metrics.selectors; nothing here computes one.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from ..models import ActivityImport, ImportKind, ImportMode, Movement, to_amount
from ..months import month_label, parse_month_label

MONTH_SCHEMA = {"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2024-03"}
SEGMENT_HELP = (
    "Only the customers of this segment (the segment of their latest month). Leave it out for every "
    "customer; an empty value means the customers without a segment. A segment no customer is in gives "
    "an empty result, not an error."
)
# The figures of a month's bridge that drill down to customers: the classes, and both ends of the month.
FIGURES = [*Movement.values, "active", "start"]


@extend_schema_field(MONTH_SCHEMA)
class MonthField(serializers.Field):
    """A month written YYYY-MM; the month number of metrics.months inside."""

    default_error_messages = {"invalid": "Enter a month as YYYY-MM, for example 2024-03."}

    def to_internal_value(self, data):
        try:
            return parse_month_label(str(data))
        except ValueError:
            self.fail("invalid")

    def to_representation(self, value):
        return month_label(value)


class AmountField(serializers.DecimalField):
    """An exact amount as a string, to the cent or to the ten-thousandth as it was stored."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=None, decimal_places=None, coerce_to_string=True, read_only=True, **kwargs)


class UnitsField(AmountField):
    """An amount stored in ten-thousandths (metrics.models.REVENUE_SCALE)."""

    def to_representation(self, value):
        return super().to_representation(to_amount(value))


# imports


class ImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A CSV file, UTF-8 with a header row (see the product definitions).")
    kind = serializers.ChoiceField(
        choices=ImportKind.choices,
        default=ImportKind.ACTIVITY,
        help_text="activity: customer_id, period, revenue[, segment]; reasons: customer_id, period, reason.",
    )
    mode = serializers.ChoiceField(
        choices=ImportMode.choices,
        default=ImportMode.REPLACE,
        help_text="replace: the file's months replace what is stored for them; append: its rows are added.",
    )


class ImportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True, help_text="The file's line, the header being line 1.")
    column = serializers.CharField(allow_null=True, allow_blank=True)
    message = serializers.CharField()


class ActivityImportSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Where to poll this import until it is finished.")
    months = serializers.ListField(child=serializers.CharField(), help_text="The months (YYYY-MM) in the file.")
    errors = ImportErrorSerializer(many=True, help_text="The first problems of a rejected file.")
    created_by_name = serializers.CharField(source="created_by.display_name", allow_null=True, default=None)
    is_finished = serializers.BooleanField(help_text="Imported or rejected: nothing more will change.")
    duration_seconds = serializers.SerializerMethodField(help_text="From start to finish; null until finished.")

    class Meta:
        model = ActivityImport
        fields = [
            "id",
            "url",
            "kind",
            "mode",
            "status",
            "is_finished",
            "file_name",
            "file_size",
            "sha256",
            "rows_total",
            "rows_done",
            "months",
            "error_count",
            "errors",
            "created_by",
            "created_by_name",
            "created_at",
            "started_at",
            "finished_at",
            "duration_seconds",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, activity_import) -> str:
        kwargs = {"org_slug": self.context["organization"].slug, "import_id": activity_import.pk}
        return reverse("api-import-detail", kwargs=kwargs, request=self.context.get("request"))

    def get_duration_seconds(self, activity_import) -> float | None:
        duration = activity_import.duration
        return None if duration is None else duration.total_seconds()


# movements


class MovementFilterSerializer(serializers.Serializer):
    """The query parameters of the month-by-month table; all optional."""

    def get_fields(self):
        # "from" is a Python keyword, so these fields cannot be class attributes.
        return {
            "from": MonthField(required=False, help_text="The first month, YYYY-MM; the first with data if left out."),
            "to": MonthField(required=False, help_text="The last month, YYYY-MM; the last with data if left out."),
            "segment": serializers.CharField(required=False, allow_blank=True, help_text=SEGMENT_HELP),
        }

    def validate(self, attrs):
        if "from" in attrs and "to" in attrs and attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": _("The last month comes before the first.")})
        return attrs


class FigureSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Customers, a whole number.")
    value = AmountField(help_text="The value change the customers of this class bring.")


class MonthMovementsSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    active = serializers.IntegerField(help_text="Customers active at the end of the month.")
    value = AmountField(help_text="Their value over the activity window.")
    new = FigureSerializer()
    reactivated = FigureSerializer()
    lost = FigureSerializer(help_text="The value change is minus what the customers were worth the month before.")
    increased = FigureSerializer()
    decreased = FigureSerializer()
    stable = FigureSerializer(help_text="Active in both months with the same value; its value change is 0.00.")


class CustomersBehindFilterSerializer(serializers.Serializer):
    month = MonthField(help_text="The month of the figure, YYYY-MM.")
    figure = serializers.ChoiceField(
        choices=FIGURES,
        help_text="A movement class, or active (the customers at the end of the month) or start (at its start).",
    )
    segment = serializers.CharField(required=False, allow_blank=True, help_text=SEGMENT_HELP)


class CustomerLineSerializer(serializers.Serializer):
    customer = serializers.CharField(help_text="The organization's own customer key.")
    segment = serializers.CharField()
    value = UnitsField(
        help_text="The customer's value in the month: its revenue over the organization's activity window "
        "(W months up to and including the month; one month's revenue only when W is 1)."
    )
    previous_value = UnitsField(help_text="The customer's value the month before, over the same window.")
    change = UnitsField(help_text="What the customer adds to the month's value change.")
    reason = serializers.CharField(
        allow_null=True, help_text="Why, as recorded for the customer and month; null where none was given."
    )


class LostReasonFilterSerializer(serializers.Serializer):
    month = MonthField(help_text="The month the customers were lost, YYYY-MM.")
    segment = serializers.CharField(required=False, allow_blank=True, help_text=SEGMENT_HELP)


class LostReasonCountSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text='As recorded by the organization; "unknown" where none was given.')
    customers = serializers.IntegerField()


# settings


class MetricsSettingsSerializer(serializers.Serializer):
    activity_window = serializers.IntegerField(
        min_value=1, max_value=36, help_text="How many months of revenue make a customer active, 1 to 36."
    )
    computed_window = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The window the stored movements were computed with."
    )
    is_current = serializers.BooleanField(
        read_only=True,
        help_text="The stored movements reflect the latest data and window; false while a recompute is pending.",
    )
    computed_at = serializers.DateTimeField(read_only=True, allow_null=True)


class ReasonInputSerializer(serializers.Serializer):
    customer_id = serializers.CharField(max_length=200, help_text="The organization's own key of the customer.")
    month = MonthField()
    reason = serializers.CharField(
        max_length=200, allow_blank=True, help_text="Why the customer moved that month; empty removes the reason."
    )
